import { createApi, type ChatkeepApi, type Transport } from '../../shared/api';

declare global {
  interface Window {
    /** Provided by the preload (Electron) or the e2e test bridge; nothing else. */
    chatkeep: Transport;
  }
}

export const api: ChatkeepApi = createApi(window.chatkeep);

import { createContext, useContext } from 'react';
import type { MessageView } from '../../../../../shared/chat-types';

/**
 * What a message can ask of the conversation around it. The conversation provides these (IPC
 * behind them); component tests provide their own to see what a click asked for.
 */
export interface MessageActions {
  /** The URL a media hash is served at (chatkeep-media:// in the app). */
  mediaUrl(hash: string): string;
  /** Open a web link outside the app, through main's validated external-link path. */
  openLink(url: string): void;
  /** Show an attachment of a message in the media viewer. */
  openMedia(message: MessageView, attachmentIndex: number): void;
  /** Scroll to (or open the page around) a quoted message. */
  openMessage(messageId: number): void;
  /** "Save as…" for an attachment. */
  saveAttachment(attachmentId: number): void;
}

const noop = () => {};

export const MessageActionsContext = createContext<MessageActions>({
  mediaUrl: (hash) => hash,
  openLink: noop,
  openMedia: noop,
  openMessage: noop,
  saveAttachment: noop,
});

export const useMessageActions = () => useContext(MessageActionsContext);

/**
 * The Electron IPC channels under the contract, shared by main (src/main/ipc.ts) and the preload
 * (src/preload/index.ts) so the two cannot drift apart. The renderer never sees them.
 */
export const IPC_INVOKE = 'chatkeep:invoke';
export const IPC_EVENT = 'chatkeep:event';
export const IPC_GRANT_DROP = 'chatkeep:grant-drop';

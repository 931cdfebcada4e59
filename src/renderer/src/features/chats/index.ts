/** The Chats feature: reading the store's chats (list, conversation, search, media). */
export { ChatsSection } from './ChatsSection';

/** Colour slots for people and chats (shared with the exported archive). */
export { TINTS, tintOf } from '../../../shared/look';

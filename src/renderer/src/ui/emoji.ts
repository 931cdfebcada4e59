/** Emoji-only messages show large (shared with the exported archive). */
export { emojiOnlyCount } from '../../../shared/look';

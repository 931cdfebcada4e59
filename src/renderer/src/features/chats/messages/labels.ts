/** The words for each kind of message: shared with the exported archive (src/shared). */
export {
  MEDIA_NAMES,
  attachmentLabel,
  callLabel,
  describeMessage,
} from '../../../../../shared/message-labels';

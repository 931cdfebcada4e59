import type { MessageView } from '../../../../../shared/chat-types';
import { readCall } from '../../../../../shared/message-extra';
import { formatTime } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';
import { callLabel } from './labels';

/** Events and calls as centred lines, as the messengers show them. */
export function SystemLine({
  message,
  highlighted,
}: {
  message: MessageView;
  highlighted: boolean;
}) {
  const call = readCall(message.extra);
  const time = formatTime(message.sentAt);
  return (
    <div className="system-line">
      <span
        className={`system-pill${call?.missed ? ' missed' : ''}${highlighted ? ' highlight' : ''}`}
        dir="auto"
      >
        {call && <Icon name={call.video ? 'video' : 'phone'} size={15} />}
        {call ? `${callLabel(call)} · ${time}` : message.text}
      </span>
    </div>
  );
}

import type { MessageView } from '../../../../../shared/chat-types';
import { dayKey } from '../../../ui/format';
import type { RunPlace } from '../messages/Message';

/** Messages from one sender this close together read as one run (a name, one avatar, one tail). */
export const RUN_GAP_MS = 5 * 60_000;

function inOneRun(a: MessageView, b: MessageView): boolean {
  if (a.kind === 'system' || b.kind === 'system') return false;
  if ((a.sender?.id ?? null) !== (b.sender?.id ?? null)) return false;
  if (dayKey(a.sentAt) !== dayKey(b.sentAt)) return false;
  return Math.abs(b.sentAt - a.sentAt) <= RUN_GAP_MS;
}

/** Where a message sits in its run, from its neighbours in the timeline. */
export function runPlace(
  previous: MessageView | undefined,
  message: MessageView,
  next: MessageView | undefined,
): RunPlace {
  return {
    firstInRun: !previous || !inOneRun(previous, message),
    lastInRun: !next || !inOneRun(message, next),
  };
}

/** Whether a day separator goes above the message. */
export function startsDay(previous: MessageView | undefined, message: MessageView): boolean {
  return !previous || dayKey(previous.sentAt) !== dayKey(message.sentAt);
}

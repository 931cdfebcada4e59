import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../../shared/chat-types';
import { RUN_GAP_MS, runPlace, startsDay } from './grouping';

const at = (h: number, m = 0) => new Date(2025, 5, 14, h, m).getTime();
const m = (
  sender: number | null,
  sentAt: number,
  kind: MessageView['kind'] = 'text',
): MessageView => ({
  id: sentAt,
  chatId: 1,
  sender: sender === null ? null : { id: sender, name: `P${sender}` },
  sentAt,
  text: 'x',
  kind,
  replyTo: null,
  replyToKey: null,
  editedAt: null,
  reactions: [],
  attachments: [],
  extra: null,
});

describe('runs', () => {
  it('groups one sender within a few minutes: first has the name, last the tail', () => {
    const list = [
      m(1, at(9, 0)),
      m(1, at(9, 2)),
      m(1, at(9, 4)),
      m(2, at(9, 5)),
      m(null, at(9, 6)),
      m(null, at(9, 7)),
    ];
    const places = list.map((x, i) => runPlace(list[i - 1], x, list[i + 1]));
    expect(places).toEqual([
      { firstInRun: true, lastInRun: false },
      { firstInRun: false, lastInRun: false },
      { firstInRun: false, lastInRun: true },
      { firstInRun: true, lastInRun: true },
      { firstInRun: true, lastInRun: false },
      { firstInRun: false, lastInRun: true },
    ]);
  });

  it('breaks a run at a pause, a new day or an event', () => {
    const a = m(1, at(9, 0));
    expect(runPlace(a, m(1, a.sentAt + RUN_GAP_MS + 1), undefined).firstInRun).toBe(true);
    expect(runPlace(m(1, at(23, 59)), m(1, at(23, 59) + 2 * 60_000), undefined).firstInRun).toBe(
      true,
    );
    expect(runPlace(m(null, at(9, 0), 'system'), m(null, at(9, 1)), undefined).firstInRun).toBe(
      true,
    );
  });

  it('starts a day where the date changes', () => {
    expect(startsDay(undefined, m(1, at(9)))).toBe(true);
    expect(startsDay(m(1, at(9)), m(1, at(22)))).toBe(false);
    expect(startsDay(m(1, at(23, 59)), m(1, at(23, 59) + 120_000))).toBe(true);
  });
});

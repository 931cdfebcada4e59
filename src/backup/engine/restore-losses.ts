import type { GroupLine, MediaLine } from '../format/snapshot.js';
import { chatRefString } from '../format/snapshot.js';
import type { RestoreMissing } from '../types.js';
import { problemOf, type ObjectProblem } from './load.js';

/**
 * What a restore could not bring back, collected as it goes: month groups (by chat and
 * month, with the number of messages lost where known), media files, parts of the snapshot's
 * own lists, and the files (packs) whose damage or absence caused each loss.
 */
export class RestoreLosses {
  /** While set, nothing is recorded (a second decoding pass over the same groups). */
  muted = false;
  private readonly groups = new Map<
    string,
    { chatRef: string; title: string; months: Map<string, number | null> }
  >();
  private readonly mediaLost = new Map<
    string,
    { hash: string; mediaType: MediaLine['t']; bytes: number }
  >();
  private readonly files = new Map<string, ObjectProblem>();
  private listParts = 0;

  private file(err: unknown, fallback: string): void {
    const object = (err as { object?: unknown }).object;
    const name = typeof object === 'string' ? object : fallback;
    if (!this.files.has(name)) this.files.set(name, problemOf(name, err));
  }

  blob(id: string, err: unknown): void {
    if (this.muted) return;
    this.file(err, `blob ${id}`);
  }

  listPart(id: string, err: unknown): void {
    if (this.muted) return;
    this.listParts++;
    this.file(err, `blob ${id}`);
  }

  /** A month group restored in part (`lost` messages) or not at all; `lost` null: unknown. */
  group(g: GroupLine, title: string, lost: number | null, err: unknown): void {
    if (this.muted) return;
    const ref = chatRefString(g.ref);
    const entry = this.groups.get(ref) ?? { chatRef: ref, title, months: new Map() };
    const before = entry.months.get(g.month);
    entry.months.set(g.month, lost === null || before === null ? null : (before ?? 0) + lost);
    this.groups.set(ref, entry);
    if (err) this.file(err, `chat ${ref} ${g.month}`);
  }

  media(line: MediaLine, err: unknown): void {
    if (this.muted) return;
    this.mediaLost.set(line.h, { hash: line.h, mediaType: line.t, bytes: line.s });
    this.file(err, `media ${line.h}`);
  }

  report(titles: Map<string, string>): RestoreMissing {
    const chats = [...this.groups.values()].map((c) => {
      const months = [...c.months.keys()].sort();
      const counts = [...c.months.values()];
      return {
        chatRef: c.chatRef,
        title: titles.get(c.chatRef) ?? c.title,
        months,
        messages: counts.includes(null) ? null : counts.reduce<number>((a, n) => a + (n ?? 0), 0),
      };
    });
    chats.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
    return {
      chats,
      media: [...this.mediaLost.values()],
      listParts: this.listParts,
      problems: [...this.files.values()],
    };
  }
}

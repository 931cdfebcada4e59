import type { Backend } from '../backend/backend.js';
import { mapLimit } from '../backend/network.js';
import { BackupCancelledError, InvalidArgumentError } from '../errors.js';
import { CONFIG_OBJECT } from '../format/config.js';
import type { Progress } from '../types.js';

/**
 * Object folders in the order they are copied: packs first, then the index and snapshot files
 * that name them, then key slots and config copies, and `config` itself last. A destination
 * becomes a repository only when everything else is there, so a copy that stops half-way is
 * never taken for a backup (and `init` refuses it as a folder holding parts of one).
 */
export const COPY_ORDER = ['data/', 'index/', 'snapshots/', 'keys/', 'copies/'] as const;

export interface CopyOptions {
  /** Objects copied at once (default 4). */
  parallel?: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
}

export interface CopyReport {
  /** Objects written to the destination by this run. */
  copied: number;
  /** Objects the destination already held (from an earlier, interrupted run). */
  alreadyThere: number;
  bytesCopied: number;
}

/**
 * Copies every object of a repository, byte for byte, to another place. Objects are
 * immutable and each write is atomic, so an object present at the destination is complete:
 * a run that was interrupted goes on where it stopped. The destination must be empty or hold
 * only objects of this same repository; anything else is refused before a byte is written.
 * Locks (and objects moved aside as damaged) are not copied.
 */
export async function copyObjects(
  from: Backend,
  to: Backend,
  opts: CopyOptions = {},
): Promise<CopyReport> {
  const prefixes = [...COPY_ORDER];
  const source = new Map<string, string[]>();
  for (const p of prefixes) source.set(p, await from.list(p));
  const sourceHasConfig = (await from.stat(CONFIG_OBJECT)) !== null;
  if (!sourceHasConfig) {
    throw new InvalidArgumentError(
      `${from.location ?? 'The source'} holds no Chatkeep backup (its "config" file is missing): nothing to copy.`,
    );
  }
  const present = new Set<string>();
  const foreign: string[] = [];
  for (const p of prefixes) {
    const mine = new Set(source.get(p));
    for (const name of await to.list(p)) {
      present.add(name);
      if (!mine.has(name)) foreign.push(name);
    }
  }
  const destConfig = (await to.stat(CONFIG_OBJECT)) !== null;
  if (destConfig) {
    const [a, b] = await Promise.all([from.read(CONFIG_OBJECT), to.read(CONFIG_OBJECT)]);
    if (!a.equals(b)) foreign.unshift(CONFIG_OBJECT);
    else present.add(CONFIG_OBJECT);
  }
  if (foreign.length > 0) {
    throw new InvalidArgumentError(
      `${to.location ?? 'The destination'} already holds something else (${foreign
        .slice(0, 3)
        .join(
          ', ',
        )}${foreign.length > 3 ? ', …' : ''}): copy into an empty place, or into an earlier copy of this same backup.`,
    );
  }

  const todo = [...prefixes.flatMap((p) => source.get(p)!), CONFIG_OBJECT].filter(
    (n) => !present.has(n),
  );
  const report: CopyReport = { copied: 0, alreadyThere: present.size, bytesCopied: 0 };
  const itemsTotal = todo.length;
  const started = Date.now();
  const progress = () => {
    const done = report.copied;
    const elapsed = Date.now() - started;
    opts.onProgress?.({
      phase: 'copy',
      itemsDone: done,
      itemsTotal,
      bytesDone: report.bytesCopied,
      bytesTotal: 0,
      etaMs: done > 0 ? Math.round((elapsed / done) * (itemsTotal - done)) : null,
    });
  };
  progress();
  const copyOne = async (name: string): Promise<void> => {
    if (opts.signal?.aborted) throw new BackupCancelledError();
    const bytes = await from.read(name);
    await to.writeAtomic(name, bytes);
    report.copied++;
    report.bytesCopied += bytes.length;
    progress();
  };
  // Each folder is complete before the next begins (see COPY_ORDER), config last of all.
  for (const p of prefixes) {
    await mapLimit(
      todo.filter((n) => n.startsWith(p)),
      opts.parallel ?? 4,
      copyOne,
    );
    await to.flush?.();
  }
  if (todo.includes(CONFIG_OBJECT)) await copyOne(CONFIG_OBJECT);
  await to.flush?.();
  return report;
}

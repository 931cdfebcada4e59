import type { MediaType } from '../../store/records.js';
import { RepositoryDamagedError } from '../errors.js';
import { packIdFromName, packObjectName, readPackTrailer } from '../format/pack.js';
import { chatRefString } from '../format/snapshot.js';
import type { CheckProblem, CheckReport, Progress } from '../types.js';
import { openBlobBox, readObject } from './blob-store.js';
import { ProgressReporter } from './progress.js';
import { readSnapshotLists, type RepoState } from './state.js';

interface BlobUse {
  snapshot: string;
  chat?: { chatRef: string; title: string; month: string };
  media?: { hash: string; mediaType: MediaType };
}

/**
 * Structure: every snapshot's lists and blobs are indexed, every index entry lies inside an
 * existing pack of the indexed size, every pack is indexed. With readData: packs are read,
 * hashed against their names and every blob authenticated and re-hashed. Each problem names the
 * object and what it takes with it (snapshots, chats and months, media files).
 */
export async function runCheck(
  state: RepoState,
  damaged: RepositoryDamagedError[],
  opts: { readData?: boolean; readDataPercent?: number; onProgress?: (p: Progress) => void },
): Promise<CheckReport> {
  const { backend, keys, index } = state;
  const progress = new ProgressReporter(opts.onProgress);
  const problems: CheckProblem[] = damaged.map((e) => ({
    kind: 'damaged-object',
    object: e.object,
    message: e.message,
  }));
  const notes: string[] = [];

  // Who uses which blob.
  const uses = new Map<string, BlobUse[]>();
  const use = (id: string, u: BlobUse): void => {
    const l = uses.get(id);
    if (l) l.push(u);
    else uses.set(id, [u]);
  };
  for (const s of state.snapshots) {
    let lists;
    try {
      lists = await readSnapshotLists(state, s.doc);
    } catch (err) {
      if (!(err instanceof RepositoryDamagedError)) throw err;
      problems.push({
        kind: 'damaged-object',
        object: err.object,
        message: `${err.message}; snapshot ${s.hash} cannot be listed`,
        affected: { snapshots: [s.hash], chats: [], media: [] },
      });
      continue;
    }
    const titles = new Map(lists.chats.map((c) => [chatRefString(c.ref), c.title]));
    for (const g of lists.groups) {
      const chatRef = chatRefString(g.ref);
      for (const id of g.blobs)
        use(id, {
          snapshot: s.hash,
          chat: { chatRef, title: titles.get(chatRef) ?? g.ref[2], month: g.month },
        });
    }
    for (const m of lists.media)
      for (const b of m.b) use(b, { snapshot: s.hash, media: { hash: m.h, mediaType: m.t } });
  }

  const affected = (ids: Iterable<string>): NonNullable<CheckProblem['affected']> => {
    const snaps = new Set<string>();
    const chats = new Map<string, { chatRef: string; title: string; months: Set<string> }>();
    const media = new Map<string, { hash: string; mediaType: MediaType }>();
    for (const id of ids) {
      for (const u of uses.get(id) ?? []) {
        snaps.add(u.snapshot);
        if (u.chat) {
          const c = chats.get(u.chat.chatRef) ?? {
            chatRef: u.chat.chatRef,
            title: u.chat.title,
            months: new Set(),
          };
          c.months.add(u.chat.month);
          chats.set(u.chat.chatRef, c);
        }
        if (u.media) media.set(u.media.hash, u.media);
      }
    }
    return {
      snapshots: [...snaps],
      chats: [...chats.values()].map((c) => ({
        chatRef: c.chatRef,
        title: c.title,
        months: [...c.months].sort(),
      })),
      media: [...media.values()],
    };
  };

  // Blobs referenced but not indexed.
  const missing = [...uses.keys()].filter((id) => !index.has(id));
  for (const id of missing) {
    problems.push({
      kind: 'missing-blob',
      object: `blob ${id}`,
      message: `blob ${id} is not in any index`,
      affected: affected([id]),
    });
  }

  // Packs: indexed vs present, sizes, entry bounds.
  const present = new Set((await backend.list('data/')).map(packIdFromName));
  const sizeOk = new Set<string>();
  let done = 0;
  for (const [packId, p] of index.packs) {
    const object = packObjectName(packId);
    const ids = p.blobs.map((b) => b.id);
    progress.report({
      phase: 'check',
      itemsDone: done++,
      itemsTotal: index.packs.size,
      bytesDone: 0,
      bytesTotal: 0,
    });
    if (!present.has(packId)) {
      problems.push({
        kind: 'missing-object',
        object,
        message: `pack ${object} is missing`,
        affected: affected(ids),
      });
      continue;
    }
    const st = await backend.stat(object);
    if (!st || st.size !== p.size) {
      problems.push({
        kind: 'size-mismatch',
        object,
        message: `pack ${object} has ${st?.size ?? 0} bytes, the index says ${p.size}`,
        affected: affected(ids),
      });
      continue;
    }
    const bad = p.blobs.filter((b) => b.offset + b.length > p.size - 4);
    if (bad.length) {
      problems.push({
        kind: 'bad-index-entry',
        object,
        message: `index entries point outside ${object}`,
        affected: affected(bad.map((b) => b.id)),
      });
      continue;
    }
    sizeOk.add(packId);
  }
  for (const packId of present) {
    if (!index.packs.has(packId))
      notes.push(
        `pack ${packObjectName(packId)} is not indexed (left by an interrupted backup or prune; prune removes it)`,
      );
  }

  // Data.
  let packsRead = 0;
  let blobsRead = 0;
  if (opts.readData || opts.readDataPercent !== undefined) {
    const all = [...sizeOk];
    const pct = opts.readData ? 100 : Math.max(0, Math.min(100, opts.readDataPercent ?? 0));
    const n = Math.ceil((all.length * pct) / 100);
    const chosen = pct >= 100 ? all : shuffle(all).slice(0, n);
    const bytesTotal = chosen.reduce((a, id) => a + (index.packs.get(id)?.size ?? 0), 0);
    let bytesDone = 0;
    for (const packId of chosen) {
      const p = index.packs.get(packId)!;
      const object = packObjectName(packId);
      const bytes = await readObject(backend, object);
      packsRead++;
      try {
        readPackTrailer(keys, bytes, object);
      } catch (err) {
        if (!(err instanceof RepositoryDamagedError)) throw err;
        problems.push({ kind: 'damaged-object', object, message: err.message });
      }
      // Blob by blob, so one flipped byte names only the chats and files it really hits.
      const badIds: string[] = [];
      for (const b of p.blobs) {
        try {
          openBlobBox(keys, b.type, b.id, bytes.subarray(b.offset, b.offset + b.length), object);
          blobsRead++;
        } catch (err) {
          if (!(err instanceof RepositoryDamagedError)) throw err;
          badIds.push(b.id);
        }
      }
      if (badIds.length) {
        problems.push({
          kind: 'damaged-object',
          object,
          message: `${badIds.length} blob(s) in ${object} are damaged`,
          affected: affected(badIds),
        });
      }
      bytesDone += p.size;
      progress.report({
        phase: 'check',
        itemsDone: packsRead,
        itemsTotal: chosen.length,
        bytesDone,
        bytesTotal,
      });
    }
  }
  return {
    ok: problems.length === 0,
    snapshots: state.snapshots.length,
    packs: index.packs.size,
    packsRead,
    blobsRead,
    problems,
    notes,
  };
}

function shuffle<T>(a: T[]): T[] {
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

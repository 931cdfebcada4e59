import type { MediaType } from '../../store/records.js';
import { RepositoryDamagedError } from '../errors.js';
import { problemOf, type ObjectProblem } from './load.js';
import { classifyDamage, isReadFailure } from './object-read.js';
import { packIdFromName, packObjectName, readPackTrailer } from '../format/pack.js';
import {
  chatRefString,
  type ChatLine,
  type GroupLine,
  type MediaLine,
} from '../format/snapshot.js';
import type { CheckProblem, CheckReport, Progress } from '../types.js';
import { openBlobBox, readObject } from './blob-store.js';
import { ProgressReporter } from './progress.js';
import { referencedBlobs, walkLists, type RepoState } from './state.js';

/**
 * Structure: every snapshot's lists and blobs are indexed, every index entry lies inside an
 * existing pack of the indexed size, every pack is indexed. With readData: packs are read,
 * hashed against their names and every blob authenticated and re-hashed. Each problem names the
 * object and what it takes with it (snapshots, chats and months, media files).
 */
export async function runCheck(
  state: RepoState,
  found: ObjectProblem[],
  opts: { readData?: boolean; readDataPercent?: number; onProgress?: (p: Progress) => void },
): Promise<CheckReport> {
  const { backend, keys, index } = state;
  const progress = new ProgressReporter(opts.onProgress);
  const problems: CheckProblem[] = [];
  const notes: string[] = [];
  const notHere: ObjectProblem[] = [];
  for (const p of found) {
    if (p.state === 'damaged')
      problems.push({ kind: 'damaged-object', object: p.object, message: p.message });
    else notHere.push(p);
  }

  // Everything the snapshots reference; a snapshot whose lists cannot be read is a problem itself.
  const referenced = await referencedBlobs(state, state.snapshots, (snap, err) => {
    const object = (err as { object?: string }).object ?? `snapshot ${snap.hash}`;
    if (!(err instanceof RepositoryDamagedError)) {
      notHere.push({ object, state: 'not-downloaded', message: err.message });
      return;
    }
    problems.push({
      kind: 'damaged-object',
      object,
      message: `${err.message}; snapshot ${snap.hash} cannot be listed`,
      affected: { snapshots: [snap.hash], chats: [], media: [] },
    });
  });

  // Problems name the blobs they take; what those blobs hold is worked out once, at the end.
  type Affected = NonNullable<CheckProblem['affected']>;
  const pending: { a: Affected; ids: string[] }[] = [];
  const affected = (ids: string[]): Affected => {
    const a: Affected = { snapshots: [], chats: [], media: [] };
    pending.push({ a, ids });
    return a;
  };

  // Blobs referenced but not indexed.
  const missing = [...referenced].filter((id) => !index.hasAnywhere(id));
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
      // A pack prune condemned, deleted by another computer's prune before this index caught
      // up: harmless unless a snapshot uses a blob stored nowhere else.
      const onlyHere = ids.filter(
        (id) => referenced.has(id) && index.locations(id).every((e) => e.pack === packId),
      );
      if (index.condemned(packId) && onlyHere.length === 0) {
        notes.push(`pack ${object}, no longer used, has already been deleted`);
        continue;
      }
      problems.push({
        kind: 'missing-object',
        object,
        message: `pack ${object} is missing`,
        affected: affected(ids),
      });
      continue;
    }
    const st = await backend.stat(object);
    if (st && (st.local === false || st.size < p.size)) {
      const why = await classifyDamage(
        backend,
        object,
        new RepositoryDamagedError(object, 'truncated'),
        p.size,
      );
      if (!(why instanceof RepositoryDamagedError)) {
        notHere.push({
          object,
          state: st.local === false ? 'not-downloaded' : 'arriving',
          message: why.message,
        });
        continue;
      }
    }
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
    if (index.packs.has(packId)) continue;
    notes.push(
      index.tombstones.has(packId)
        ? `pack ${packObjectName(packId)} is no longer used; prune deletes it after its grace period`
        : `pack ${packObjectName(packId)} is not named by any index (left by an interrupted backup, or ` +
            'written by another computer whose index has not synced yet); the next backup indexes it',
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
      let bytes: Buffer;
      try {
        bytes = await readObject(backend, object);
      } catch (err) {
        if (!isReadFailure(err) || err instanceof RepositoryDamagedError) throw err;
        notHere.push({ object, state: 'not-downloaded', message: err.message });
        continue;
      }
      packsRead++;
      try {
        readPackTrailer(keys, bytes, object);
      } catch (err) {
        if (!(err instanceof RepositoryDamagedError)) throw err;
        const why = await classifyDamage(backend, object, err, p.size);
        if (!(why instanceof RepositoryDamagedError)) {
          // Being written by a sync client right now, or not downloaded: check it later.
          notHere.push(problemOf(object, why));
          continue;
        }
        problems.push({ kind: 'damaged-object', object, message: err.message });
      }
      // Blob by blob, so one flipped byte names only the chats and files it really hits.
      const badIds: string[] = [];
      for (const b of p.blobs) {
        try {
          openBlobBox(
            keys,
            b.type,
            b.id,
            bytes.subarray(b.offset, b.offset + b.length),
            object,
            b.epoch ?? 0,
          );
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
  if (pending.length) await resolveAffected(state, pending);
  return {
    ok: problems.length === 0 && notHere.length === 0,
    snapshots: state.snapshots.length,
    packs: index.packs.size,
    packsRead,
    blobsRead,
    problems,
    notHere,
    notes,
  };
}

interface Use {
  snapshots: Set<string>;
  chat?: { chatRef: string; month: string };
  media?: { hash: string; mediaType: MediaType };
}

/** Fills in the snapshots, chats (with months) and media files each problem's blobs belong to. */
async function resolveAffected(
  state: RepoState,
  pending: { a: NonNullable<CheckProblem['affected']>; ids: string[] }[],
): Promise<void> {
  const bad = new Set(pending.flatMap((p) => p.ids));
  const uses = new Map<string, Use[]>();
  const byChunk = new Map<string, Use[]>();
  const titles = new Map<string, string>();
  await walkLists(state, state.snapshots, {
    onChunk: (which, chunk, lines) => {
      const found: Use[] = [];
      for (const l of lines) {
        if (which === 'chats') {
          const c = JSON.parse(l) as ChatLine;
          titles.set(chatRefString(c.ref), c.title);
        } else if (which === 'groups') {
          const g = JSON.parse(l) as GroupLine;
          const hit = g.blobs.filter((id) => bad.has(id));
          if (hit.length) {
            const u: Use = {
              snapshots: new Set(),
              chat: { chatRef: chatRefString(g.ref), month: g.month },
            };
            found.push(u);
            for (const id of hit) uses.set(id, [...(uses.get(id) ?? []), u]);
          }
        } else {
          const m = JSON.parse(l) as MediaLine;
          const hit = m.b.filter((id) => bad.has(id));
          if (hit.length) {
            const u: Use = { snapshots: new Set(), media: { hash: m.h, mediaType: m.t } };
            found.push(u);
            for (const id of hit) uses.set(id, [...(uses.get(id) ?? []), u]);
          }
        }
      }
      if (found.length) byChunk.set(chunk, found);
    },
    onLeaf: (_which, chunk, snap) => {
      for (const u of byChunk.get(chunk) ?? []) u.snapshots.add(snap.hash);
    },
    onSnapshotError: () => undefined, // already reported
  });
  for (const { a, ids } of pending) {
    const snaps = new Set<string>();
    const chats = new Map<string, Set<string>>();
    const media = new Map<string, MediaType>();
    for (const id of ids) {
      for (const u of uses.get(id) ?? []) {
        for (const s of u.snapshots) snaps.add(s);
        if (u.chat)
          chats.set(u.chat.chatRef, (chats.get(u.chat.chatRef) ?? new Set()).add(u.chat.month));
        if (u.media) media.set(u.media.hash, u.media.mediaType);
      }
    }
    a.snapshots.push(...snaps);
    for (const [chatRef, months] of chats) {
      a.chats.push({ chatRef, title: titles.get(chatRef) ?? chatRef, months: [...months].sort() });
    }
    for (const [hash, mediaType] of media) a.media.push({ hash, mediaType });
  }
}

function shuffle<T>(a: T[]): T[] {
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

import type Database from 'better-sqlite3';
import { FTS_BODY, FTS_HAS_BODY } from './schema.js';

/**
 * The full-text index of a restore, built after its rows.
 *
 * A restore into an empty store writes every message in one transaction without indexing it
 * (indexing takes about as long as the rows themselves), then records a backlog: the range of
 * sort keys still to index. The chats are readable as soon as the rows commit; the backlog is
 * then indexed in steps of their own transactions, newest messages first, so search finds
 * recent messages within seconds and says "indexing" until it is done. A crash in between
 * loses nothing: the backlog is in the database and the next open goes on with it.
 *
 * Invariant: every message whose sort key is in [from, hi] is not in the index yet, and every
 * other message is. Ingest finishes the backlog before writing anything (see Ingester), so no
 * message inside the range can be indexed twice.
 */

const KEY = 'searchBacklog';
/** Messages per step: one step is one write transaction (a few tenths of a second). */
const STEP_MESSAGES = 25_000;

interface BacklogRow {
  /** Lowest sort key to index. */
  from: number;
  /** Highest sort key still to index; the range shrinks from the top. */
  hi: number;
  total: number;
  done: number;
}

export interface SearchIndexState {
  /** Messages indexed so far, of `total`. */
  done: number;
  total: number;
}

export class SearchBacklog {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      get: p<{ value: string }>(`SELECT value FROM meta WHERE key = '${KEY}'`),
      put: p(`INSERT OR REPLACE INTO meta (key, value) VALUES ('${KEY}', ?)`),
      drop: p(`DELETE FROM meta WHERE key = '${KEY}'`),
      all: p<{ lo: number | null; hi: number | null; n: number }>(
        'SELECT min(sort_key) AS lo, max(sort_key) AS hi, count(*) AS n FROM messages',
      ),
      // The lowest key of the next step: STEP_MESSAGES keys down from hi (or the range's start).
      stepLow: p<{ sort_key: number }>(
        `SELECT sort_key FROM messages WHERE sort_key BETWEEN ? AND ?
         ORDER BY sort_key DESC LIMIT 1 OFFSET ${STEP_MESSAGES - 1}`,
      ),
      count: p<{ n: number }>('SELECT count(*) AS n FROM messages WHERE sort_key BETWEEN ? AND ?'),
      // Ascending within a step: FTS5 appends increasing rowids without flushing per row.
      index: p(
        `INSERT INTO messages_fts (rowid, body)
         SELECT m.sort_key, ${FTS_BODY} FROM messages m
         WHERE m.sort_key BETWEEN ? AND ? AND ${FTS_HAS_BODY} ORDER BY m.sort_key`,
      ),
    };
  }

  private row(): BacklogRow | null {
    const v = this.s.get.get()?.value;
    if (!v) return null;
    try {
      const r = JSON.parse(v) as BacklogRow;
      if ([r.from, r.hi, r.total, r.done].every((n) => Number.isSafeInteger(n))) return r;
    } catch {
      // Unreadable: treated as a whole-store backlog below.
    }
    // A backlog row we cannot read: index everything again from scratch is not possible without
    // duplicates, so rebuild the index whole (rare: only a damaged meta row gets here).
    return { from: Number.MIN_SAFE_INTEGER, hi: Number.MAX_SAFE_INTEGER, total: 0, done: 0 };
  }

  /** Indexing still to do, or null when the index is complete. */
  state(): SearchIndexState | null {
    const r = this.row();
    return r ? { done: r.done, total: Math.max(r.total, r.done) } : null;
  }

  /**
   * Records that every message now in the store is not indexed yet. Inside the transaction
   * that wrote them, into a store that had no messages before it.
   */
  recordWholeStore(): void {
    const { lo, hi, n } = this.s.all.get()!;
    if (lo === null || hi === null || n === 0) return;
    this.s.put.run(JSON.stringify({ from: lo, hi, total: n, done: 0 } satisfies BacklogRow));
  }

  /** Indexes one step (the newest messages left) in its own transaction; false when done. */
  step(): boolean {
    return this.db
      .transaction(() => {
        const r = this.row();
        if (!r) return false;
        if (r.from === Number.MIN_SAFE_INTEGER) {
          this.rebuild();
          return false;
        }
        const low = this.s.stepLow.get(r.from, r.hi)?.sort_key ?? r.from;
        const n = this.s.count.get(low, r.hi)?.n ?? 0;
        this.s.index.run(low, r.hi);
        if (low <= r.from) {
          this.s.drop.run();
          return false;
        }
        this.s.put.run(JSON.stringify({ ...r, hi: low - 1, done: r.done + n }));
        return true;
      })
      .immediate();
  }

  /** Indexes the whole backlog (reporting after each step); for ingest and the CLI. */
  finish(onProgress?: (s: SearchIndexState) => void, shouldStop?: () => boolean): void {
    while (this.step()) {
      const st = this.state();
      if (st) onProgress?.(st);
      if (shouldStop?.()) return;
    }
  }

  /** Drops and rebuilds the whole index (the backlog row itself was unreadable). */
  private rebuild(): void {
    this.db.exec(`INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')`);
    this.db.exec(
      `INSERT INTO messages_fts (rowid, body)
       SELECT m.sort_key, ${FTS_BODY} FROM messages m WHERE ${FTS_HAS_BODY} ORDER BY m.sort_key`,
    );
    this.s.drop.run();
  }
}

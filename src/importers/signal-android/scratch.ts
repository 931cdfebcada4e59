import Database from 'better-sqlite3';
import type { SqlStatementFrame, SqlValue } from './frame.js';
import { StatementCache } from './sql.js';

/**
 * The rows of a Signal backup that make up its chats, replayed into a private scratch SQLite
 * file (in the import's temp folder) so they can be read with queries, in bounded memory.
 *
 * Only the tables and columns below are kept: the scratch tables have exactly these columns,
 * whatever the backup's database version (a column the version lacks stays NULL), so readers
 * need not probe. Which columns the backup really had is kept in `present`. Names span the
 * versions since the sms and mms tables were merged into `message` (2023) and their renames.
 */
export const WANTED: Record<string, readonly string[]> = {
  message: [
    '_id',
    'date_sent',
    'date_received',
    'thread_id',
    'from_recipient_id',
    'to_recipient_id',
    'recipient_id',
    'type',
    'body',
    'quote_id',
    'quote_author',
    'remote_deleted',
    'view_once',
    'story_type',
    'parent_story_id',
    'scheduled_date',
    'latest_revision_id',
    'original_message_id',
    'revision_number',
    'expires_in',
    'shared_contacts',
  ],
  thread: ['_id', 'recipient_id', 'thread_recipient_id'],
  recipient: [
    '_id',
    'type',
    'group_type',
    'e164',
    'phone',
    'aci',
    'uuid',
    'service_id',
    'username',
    'group_id',
    'distribution_list_id',
    'nickname_joined_name',
    'system_joined_name',
    'system_display_name',
    'profile_joined_name',
    'profile_given_name',
    'profile_family_name',
    'signal_profile_name',
  ],
  groups: ['_id', 'group_id', 'recipient_id', 'title', 'members'],
  group_membership: ['_id', 'group_id', 'recipient_id'],
  attachment: [
    '_id',
    'message_id',
    'content_type',
    'data_size',
    'file_name',
    'voice_note',
    'video_gif',
    'quote',
    'width',
    'height',
    'sticker_pack_id',
    'display_order',
    'unique_id',
  ],
  // Before 2023 the attachment table was `part`, with shorter names.
  part: [
    '_id',
    'mid',
    'ct',
    'data_size',
    'file_name',
    'voice_note',
    'video_gif',
    'quote',
    'width',
    'height',
    'sticker_pack_id',
    'display_order',
    'unique_id',
  ],
  reaction: ['_id', 'message_id', 'author_id', 'emoji', 'date_sent'],
  mention: ['_id', 'thread_id', 'message_id', 'recipient_id', 'range_start', 'range_length'],
};

/** Attachment bodies, by the attachment row they belong to. */
const CK_TABLES = `
  CREATE TABLE ck_media (row_id INTEGER PRIMARY KEY, hash TEXT, size INTEGER, text TEXT);
`;

interface Target {
  columns: string[];
  /** For each CREATE TABLE column (positional INSERTs), its scratch column or -1. */
  positional: number[];
  insert: Database.Statement;
}

export interface ReplayCounts {
  statements: number;
  rows: number;
  /** INSERTs whose values did not fit their table (counted, skipped). */
  mismatched: number;
}

export class ScratchDb {
  readonly db: Database.Database;
  /** Columns each kept table really had in the backup. */
  readonly present = new Map<string, Set<string>>();
  readonly counts: ReplayCounts = { statements: 0, rows: 0, mismatched: 0 };
  private readonly targets = new Map<string, Target>();
  private readonly statements = new StatementCache();
  private pending = 0;

  constructor(file: string) {
    this.db = new Database(file);
    // A scratch copy, rebuilt from the backup if anything goes wrong: no journal, no syncs.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('temp_store = FILE');
    for (const [table, cols] of Object.entries(WANTED)) {
      this.db.exec(`CREATE TABLE "${table}" (${cols.map((c) => `"${c}"`).join(', ')})`);
    }
    this.db.exec(CK_TABLES);
    // Looked up by id while replaying (an attachment body follows its row).
    this.db.exec(
      'CREATE INDEX ck_attachment_id ON attachment (_id); CREATE INDEX ck_part_id ON part (_id);',
    );
    this.db.exec('BEGIN');
  }

  /** Replays one statement frame: keeps what it can read, ignores everything else. */
  apply(frame: SqlStatementFrame): void {
    this.counts.statements++;
    const st = this.statements.parse(frame.statement);
    if (st.kind === 'create') {
      const wanted = WANTED[st.table];
      if (!wanted) return;
      this.present.set(st.table, new Set(st.columns));
      const kept = wanted.filter((c) => st.columns.includes(c));
      const insert = this.db.prepare(
        `INSERT INTO "${st.table}" (${kept.map((c) => `"${c}"`).join(', ')}) VALUES (${kept.map(() => '?').join(', ')})`,
      );
      this.targets.set(st.table, {
        columns: st.columns,
        positional: st.columns.map((c) => kept.indexOf(c)),
        insert,
      });
    } else if (st.kind === 'insert') {
      const target = this.targets.get(st.table);
      if (!target) return;
      const row = this.rowFor(target, st.columns, frame.params);
      if (!row) {
        this.counts.mismatched++;
        return;
      }
      target.insert.run(row);
      this.counts.rows++;
      if (++this.pending >= 20_000) this.commit();
    }
  }

  private rowFor(target: Target, listed: string[] | null, params: SqlValue[]): SqlValue[] | null {
    const width = target.positional.filter((i) => i >= 0).length;
    const row = new Array<SqlValue>(width).fill(null);
    const columns = listed ?? target.columns;
    if (columns.length !== params.length) return null;
    for (let i = 0; i < columns.length; i++) {
      const at = listed
        ? target.positional[target.columns.indexOf(columns[i] ?? '')]
        : target.positional[i];
      if (at !== undefined && at >= 0) row[at] = params[i] ?? null;
    }
    return row;
  }

  /** Records an attachment's stored body (or its text, for Signal's long-message bodies). */
  putMedia(rowId: number, m: { hash: string | null; size: number; text: string | null }): void {
    this.db
      .prepare('INSERT OR REPLACE INTO ck_media (row_id, hash, size, text) VALUES (?, ?, ?, ?)')
      .run(rowId, m.hash, m.size, m.text);
  }

  /** An attachment row already replayed (its body follows it in the file), if any. */
  attachmentRow(rowId: number): { contentType: string | null; quote: boolean } | null {
    const table = this.present.has('attachment')
      ? 'attachment'
      : this.present.has('part')
        ? 'part'
        : null;
    if (!table) return null;
    const col = table === 'attachment' ? 'content_type' : 'ct';
    const row = this.db
      .prepare(`SELECT "${col}" AS ct, quote FROM "${table}" WHERE _id = ? LIMIT 1`)
      .get(rowId) as { ct: string | null; quote: number | null } | undefined;
    return row ? { contentType: row.ct, quote: row.quote === 1 } : null;
  }

  private commit(): void {
    this.db.exec('COMMIT; BEGIN');
    this.pending = 0;
  }

  /** Ends the replay and builds the indexes the chat reader's queries use. */
  finish(): void {
    this.db.exec('COMMIT');
    this.db.exec(`
      CREATE INDEX ck_message_id ON message (_id);
      CREATE INDEX ck_message_thread ON message (thread_id, date_received, _id);
      CREATE INDEX ck_recipient_id ON recipient (_id);
      CREATE INDEX ck_groups_recipient ON groups (recipient_id);
      CREATE INDEX ck_membership_group ON group_membership (group_id);
      CREATE INDEX ck_message_sent ON message (thread_id, date_sent);
      CREATE INDEX ck_reaction_message ON reaction (message_id);
      CREATE INDEX ck_attachment_message ON attachment (message_id);
      CREATE INDEX ck_part_message ON part (mid);
      CREATE INDEX ck_mention_message ON mention (message_id);
    `);
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
  }
}

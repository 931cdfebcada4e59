import type Database from 'better-sqlite3';
import { foldForMatch, indexText } from './fts-text.js';

/**
 * The store's schema as forward-only migrations. `PRAGMA user_version` is the number of
 * migrations applied. Never edit a released migration: add a new one (and a test that upgrades a
 * database made by the previous version).
 */

/** 'CHKP': marks the SQLite file as a Chatkeep store (`PRAGMA application_id`). */
export const APPLICATION_ID = 0x43484b50;

/**
 * SQL functions of ours: `ck_index_text` gives the FTS triggers the text to index (every
 * connection that writes messages must have it), `ck_fold` folds case and accents for the chat
 * filter. ChatStore.open registers both on every connection.
 */
export function registerFunctions(db: Database.Database): void {
  db.function('ck_index_text', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? indexText(text) : null,
  );
  db.function('ck_fold', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? foldForMatch(text) : null,
  );
}

/**
 * The row-insert triggers a large ingest takes out for its own transaction (and puts back, with
 * the same SQL, before it commits): even with a false WHEN, a trigger costs per row, and these
 * cost a large import about a fifth of its time. Every AFTER INSERT trigger that stands down in
 * bulk mode belongs here (a test checks).
 */
export const BULK_INSERT_TRIGGERS = [
  'messages_ai',
  'attachments_ai_rev',
  'attachments_ai_fts',
  'reactions_ai_rev',
] as const;

/** Trigger condition: outside ingest's bulk mode. */
const NOT_BULK = '(SELECT active FROM bulk_mode WHERE id = 1) = 0';

/** Trigger work for a new message, shared by migration 1 and the combined trigger of 3. */
const CHAT_ON_INSERT = `UPDATE chats SET
        message_count = message_count + 1,
        last_message_id = CASE
          WHEN last_sent_at IS NULL OR new.sent_at > last_sent_at
            OR (new.sent_at = last_sent_at AND new.id > last_message_id) THEN new.id
          ELSE last_message_id END,
        last_sent_at = CASE
          WHEN last_sent_at IS NULL OR new.sent_at > last_sent_at THEN new.sent_at
          ELSE last_sent_at END
      WHERE id = new.chat_id;`;
const FTS_ON_INSERT = `INSERT INTO messages_fts (rowid, body)
        SELECT new.sort_key, ck_index_text(new.text) WHERE new.text IS NOT NULL;`;

/** What the FTS index holds for message `m`: its text and its attachments' file names. */
export const FTS_BODY = `ck_index_text(concat_ws(char(10), m.text,
  (SELECT group_concat(a.file_name, ' ') FROM attachments a WHERE a.message_id = m.id)))`;
export const FTS_HAS_BODY = `(m.text IS NOT NULL OR EXISTS
  (SELECT 1 FROM attachments a WHERE a.message_id = m.id AND a.file_name IS NOT NULL))`;

/** Replace message `id`'s FTS row (contentless FTS5 would keep stale terms on a bare insert). */
const reindexMessage = (id: string): string => `
      DELETE FROM messages_fts WHERE rowid = (SELECT sort_key FROM messages WHERE id = ${id});
      INSERT INTO messages_fts (rowid, body)
        SELECT m.sort_key, ${FTS_BODY} FROM messages m WHERE m.id = ${id} AND ${FTS_HAS_BODY};`;

/** UTC month 'YYYY-MM' of a ms timestamp, as SQL (kept identical to `monthOf` below). */
const monthSql = (col: string): string => `strftime('%Y-%m', ${col} / 1000.0, 'unixepoch')`;

/** UTC month 'YYYY-MM' of a ms timestamp. */
export function monthOf(sentAt: number): string {
  return new Date(sentAt).toISOString().slice(0, 7);
}

/** [start, end) in ms of a 'YYYY-MM' month. */
export function monthRange(month: string): [number, number] {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new RangeError(`Not a month (YYYY-MM): ${month}`);
  const year = Number(m[1]);
  const mon = Number(m[2]) - 1;
  return [Date.UTC(year, mon, 1), Date.UTC(year, mon + 1, 1)];
}

type Migration = (db: Database.Database) => void;

/** 1: the chat model, with each chat's message count and latest message kept by triggers. */
const coreModel: Migration = (db) => {
  db.exec(`
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;

    -- Set (to 1) by ingest for the length of its own transaction only, so no other connection
    -- ever sees it set: ingest then does the per-row trigger work itself, in bulk, at its end.
    CREATE TABLE bulk_mode (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      active INTEGER NOT NULL
    );
    INSERT INTO bulk_mode (id, active) VALUES (1, 0);

    CREATE TABLE sources (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      account_key TEXT NOT NULL,
      label TEXT NOT NULL,
      UNIQUE (kind, account_key)
    );

    CREATE TABLE people (
      id INTEGER PRIMARY KEY,
      source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      display_name TEXT NOT NULL,
      handle TEXT,
      phone TEXT,
      UNIQUE (source_id, key)
    );

    CREATE TABLE chats (
      id INTEGER PRIMARY KEY,
      source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      type TEXT NOT NULL CHECK (type IN ('direct', 'group')),
      title TEXT NOT NULL,
      message_count INTEGER NOT NULL DEFAULT 0,
      last_message_id INTEGER,
      last_sent_at INTEGER,
      UNIQUE (source_id, key)
    );
    CREATE INDEX chats_by_activity ON chats (last_sent_at, id);

    CREATE TABLE chat_members (
      chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
      PRIMARY KEY (chat_id, person_id)
    ) WITHOUT ROWID;
    CREATE INDEX chat_members_by_person ON chat_members (person_id);

    -- Ids grow in insertion order, so imports append to the table. sort_key orders all messages
    -- by time across chats (sent_at * 1024 + n, see ingest.ts) and is the message's rowid in the
    -- FTS index, so search finds the newest matches by walking that index backwards instead of
    -- sorting every match.
    CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      sort_key INTEGER NOT NULL UNIQUE,
      chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      sender_id INTEGER REFERENCES people(id),
      sent_at INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('text','media','system','location','contact','poll','deleted')),
      text TEXT,
      -- Replies link by key, resolved when read: the quoted message may arrive in a later import.
      reply_to_key TEXT,
      edited_at INTEGER,
      extra TEXT,
      UNIQUE (chat_id, key)
    );
    CREATE INDEX messages_by_chat_time ON messages (chat_id, sent_at);

    CREATE TABLE reactions (
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      sender_id INTEGER REFERENCES people(id),
      emoji TEXT NOT NULL,
      at INTEGER
    );
    -- NULL sender (the owner) must be unique too, hence the expression.
    CREATE UNIQUE INDEX reactions_identity ON reactions (message_id, ifnull(sender_id, 0), emoji);

    CREATE TABLE attachments (
      id INTEGER PRIMARY KEY,
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      ordinal INTEGER NOT NULL,
      media_type TEXT NOT NULL CHECK (media_type IN ('photo','video','audio','voice','document','sticker','gif')),
      mime TEXT NOT NULL,
      size INTEGER NOT NULL,
      hash TEXT CHECK (hash IS NULL OR (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*')),
      file_name TEXT,
      width INTEGER,
      height INTEGER,
      duration_ms INTEGER,
      UNIQUE (message_id, ordinal)
    );
    CREATE INDEX attachments_by_hash ON attachments (hash) WHERE hash IS NOT NULL;

    CREATE TRIGGER messages_ai_chat AFTER INSERT ON messages WHEN ${NOT_BULK} BEGIN
      ${CHAT_ON_INSERT}
    END;

    CREATE TRIGGER messages_ad_chat AFTER DELETE ON messages BEGIN
      UPDATE chats SET message_count = message_count - 1 WHERE id = old.chat_id;
      UPDATE chats SET
        last_message_id = (SELECT id FROM messages WHERE chat_id = old.chat_id
                           ORDER BY sent_at DESC, id DESC LIMIT 1),
        last_sent_at = (SELECT max(sent_at) FROM messages WHERE chat_id = old.chat_id)
      WHERE id = old.chat_id AND last_message_id = old.id;
    END;

    CREATE TRIGGER messages_au_chat AFTER UPDATE OF sent_at ON messages BEGIN
      UPDATE chats SET
        last_message_id = (SELECT id FROM messages WHERE chat_id = new.chat_id
                           ORDER BY sent_at DESC, id DESC LIMIT 1),
        last_sent_at = (SELECT max(sent_at) FROM messages WHERE chat_id = new.chat_id)
      WHERE id = new.chat_id;
    END;
  `);
};

/**
 * 2: full-text search over message text (contentless: the text lives once, in messages).
 *
 * The triggers keep the index in step with every insert, edit and delete. In bulk mode (inside
 * an ingest transaction) ingest indexes its new and edited messages itself, in one statement at
 * the end: FTS5 flushes its pending terms at every statement savepoint, so a row-by-row trigger
 * during a bulk import would write one tiny segment per message.
 */
const fullTextSearch: Migration = (db) => {
  db.exec(`
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
      body,
      content = '',
      contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2',
      -- Search-as-you-type makes the last word a prefix; 3-letter prefixes ("the*") match so
      -- many words that, without their own index, FTS5 would merge all their doclists per query.
      prefix = '3'
    );

    CREATE TRIGGER messages_ai_fts AFTER INSERT ON messages WHEN ${NOT_BULK} BEGIN
      ${FTS_ON_INSERT}
    END;

    CREATE TRIGGER messages_ad_fts AFTER DELETE ON messages BEGIN
      DELETE FROM messages_fts WHERE rowid = old.sort_key;
    END;

    CREATE TRIGGER messages_au_fts AFTER UPDATE OF text ON messages WHEN ${NOT_BULK} BEGIN
      ${reindexMessage('new.id')}
    END;

    -- Attachment file names are searchable too ("boarding pass" finds the PDF).
    CREATE TRIGGER attachments_ai_fts AFTER INSERT ON attachments
    WHEN new.file_name IS NOT NULL AND ${NOT_BULK} BEGIN
      ${reindexMessage('new.message_id')}
    END;
    CREATE TRIGGER attachments_au_fts AFTER UPDATE OF file_name ON attachments WHEN ${NOT_BULK} BEGIN
      ${reindexMessage('new.message_id')}
    END;
    CREATE TRIGGER attachments_ad_fts AFTER DELETE ON attachments WHEN old.file_name IS NOT NULL BEGIN
      ${reindexMessage('old.message_id')}
    END;

    INSERT INTO messages_fts (rowid, body)
      SELECT m.sort_key, ${FTS_BODY} FROM messages m WHERE ${FTS_HAS_BODY} ORDER BY m.sort_key;
  `);
};

/**
 * 3: change tracking for incremental backups. Every message belongs to a (chat, UTC month)
 * group whose `rev` takes a fresh value of a store-wide counter whenever anything in the group
 * changes, so a backup can skip groups whose rev it has already stored. In bulk mode ingest
 * bumps the counter once and sets the revs and counts of the groups it touched itself.
 */
const changeTracking: Migration = (db) => {
  const bump = `UPDATE rev_counter SET value = value + 1 WHERE id = 1;`;
  const rev = `(SELECT value FROM rev_counter WHERE id = 1)`;
  const bumpMessageGroup = (messageId: string): string => `
      ${bump}
      UPDATE month_groups SET rev = ${rev}
      WHERE (chat_id, month) = (SELECT chat_id, ${monthSql('sent_at')} FROM messages WHERE id = ${messageId});`;
  const bumpChatGroups = (chatIdExpr: string): string => `
      ${bump}
      UPDATE month_groups SET rev = ${rev} WHERE chat_id IN (${chatIdExpr});`;
  db.exec(`
    CREATE TABLE rev_counter (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      value INTEGER NOT NULL
    );
    INSERT INTO rev_counter (id, value) VALUES (1, 0);

    CREATE TABLE month_groups (
      chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
      month TEXT NOT NULL,
      rev INTEGER NOT NULL,
      message_count INTEGER NOT NULL,
      PRIMARY KEY (chat_id, month)
    ) WITHOUT ROWID;

    -- One insert trigger instead of three: each trigger costs a sub-program start per row,
    -- even when its WHEN is false (as in bulk mode).
    DROP TRIGGER messages_ai_chat;
    DROP TRIGGER messages_ai_fts;
    CREATE TRIGGER messages_ai AFTER INSERT ON messages WHEN ${NOT_BULK} BEGIN
      ${CHAT_ON_INSERT}
      ${FTS_ON_INSERT}
      ${bump}
      INSERT INTO month_groups (chat_id, month, rev, message_count)
        VALUES (new.chat_id, ${monthSql('new.sent_at')}, ${rev}, 1)
        ON CONFLICT (chat_id, month) DO UPDATE SET
          rev = excluded.rev, message_count = message_count + 1;
    END;

    CREATE TRIGGER messages_ad_rev AFTER DELETE ON messages BEGIN
      ${bump}
      UPDATE month_groups SET rev = ${rev}, message_count = message_count - 1
      WHERE chat_id = old.chat_id AND month = ${monthSql('old.sent_at')};
    END;

    CREATE TRIGGER messages_au_rev AFTER UPDATE ON messages WHEN ${NOT_BULK} BEGIN
      ${bump}
      UPDATE month_groups SET rev = ${rev},
        message_count = message_count
          - (${monthSql('old.sent_at')} IS NOT ${monthSql('new.sent_at')})
      WHERE chat_id = old.chat_id AND month = ${monthSql('old.sent_at')};
      INSERT INTO month_groups (chat_id, month, rev, message_count)
        SELECT new.chat_id, ${monthSql('new.sent_at')}, ${rev}, 1
        WHERE ${monthSql('old.sent_at')} IS NOT ${monthSql('new.sent_at')}
        ON CONFLICT (chat_id, month) DO UPDATE SET
          rev = excluded.rev, message_count = message_count + 1;
    END;

    CREATE TRIGGER reactions_ai_rev AFTER INSERT ON reactions WHEN ${NOT_BULK} BEGIN ${bumpMessageGroup('new.message_id')} END;
    CREATE TRIGGER reactions_ad_rev AFTER DELETE ON reactions BEGIN ${bumpMessageGroup('old.message_id')} END;
    CREATE TRIGGER reactions_au_rev AFTER UPDATE ON reactions WHEN ${NOT_BULK} BEGIN ${bumpMessageGroup('new.message_id')} END;
    CREATE TRIGGER attachments_ai_rev AFTER INSERT ON attachments WHEN ${NOT_BULK} BEGIN ${bumpMessageGroup('new.message_id')} END;
    CREATE TRIGGER attachments_ad_rev AFTER DELETE ON attachments BEGIN ${bumpMessageGroup('old.message_id')} END;
    CREATE TRIGGER attachments_au_rev AFTER UPDATE ON attachments WHEN ${NOT_BULK} BEGIN ${bumpMessageGroup('new.message_id')} END;

    -- A month's bundle carries its chat, members and people, so changing those changes every
    -- month of the chat.
    CREATE TRIGGER chats_au_rev AFTER UPDATE OF title, type ON chats BEGIN
      ${bumpChatGroups('new.id')}
    END;
    CREATE TRIGGER chat_members_ai_rev AFTER INSERT ON chat_members BEGIN
      ${bumpChatGroups('new.chat_id')}
    END;
    CREATE TRIGGER people_au_rev AFTER UPDATE OF display_name, handle, phone ON people BEGIN
      ${bumpChatGroups('SELECT chat_id FROM chat_members WHERE person_id = new.id')}
    END;

    INSERT INTO month_groups (chat_id, month, rev, message_count)
      SELECT chat_id, ${monthSql('sent_at')}, 1, count(*) FROM messages GROUP BY 1, 2;
    UPDATE rev_counter SET value = 1 WHERE EXISTS (SELECT 1 FROM month_groups);
  `);
};

/**
 * 4: facts read from media files themselves, once per content hash. Voice notes from a text
 * export come without a duration; the store reads it from the file the first time the message is
 * shown and keeps it here, so players show "0:12" before they play. Kept apart from
 * `attachments` on purpose: derived from bytes the store already has, so it is not part of a
 * chat's records (no rev bump, nothing to back up) and a restore simply reads it again.
 * `duration_ms` is null when the file was read but held no duration (not retried).
 */
const mediaFacts: Migration = (db) => {
  db.exec(`
    CREATE TABLE media_facts (
      hash TEXT PRIMARY KEY,
      duration_ms INTEGER,
      probed_at INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
};

export const MIGRATIONS: readonly Migration[] = [
  coreModel,
  fullTextSearch,
  changeTracking,
  mediaFacts,
];
export const LATEST_VERSION = MIGRATIONS.length;

/** Apply the migrations after the database's current version up to `target`, one transaction each. */
export function migrate(db: Database.Database, target: number = LATEST_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current + 1; version <= target; version++) {
    const migration = MIGRATIONS[version - 1];
    if (!migration) throw new RangeError(`No migration to version ${version}`);
    db.transaction(() => {
      if (version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
      migration(db);
      db.pragma(`user_version = ${version}`);
    })();
  }
}

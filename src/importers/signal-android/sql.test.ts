import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStatement } from './sql.js';

describe("reading a Signal backup's SQL without running it", () => {
  it('takes column names from CREATE TABLE, skipping table constraints', () => {
    expect(
      parseStatement(`CREATE TABLE IF NOT EXISTS "Message" (
        _id INTEGER PRIMARY KEY AUTOINCREMENT, -- a comment, with a comma
        date_sent INTEGER NOT NULL DEFAULT (strftime('%s', 'now') * 1000),
        [body] TEXT CHECK (length(body) < 100000),
        "quote ""id""" INTEGER,
        \`type\` INTEGER,
        CONSTRAINT pk UNIQUE (date_sent, type),
        FOREIGN KEY (_id) REFERENCES thread (_id),
        PRIMARY KEY (_id),
        CHECK (type > 0)
      )`),
    ).toEqual({
      kind: 'create',
      table: 'message',
      columns: ['_id', 'date_sent', 'body', 'quote "id"', 'type'],
    });
  });

  it('takes a quoted column named like a constraint word as a column', () => {
    expect(parseStatement('CREATE TABLE t ("unique" TEXT, check_me INT)')).toMatchObject({
      columns: ['unique', 'check_me'],
    });
  });

  it('reads positional and listed INSERTs', () => {
    expect(parseStatement('INSERT INTO message VALUES (?,?,?)')).toEqual({
      kind: 'insert',
      table: 'message',
      columns: null,
    });
    expect(
      parseStatement('insert or replace into "recipient" (_id, "e164") values (?, ?)'),
    ).toEqual({
      kind: 'insert',
      table: 'recipient',
      columns: ['_id', 'e164'],
    });
  });

  it('ignores everything else, which is never run', () => {
    for (const sql of [
      "ATTACH DATABASE '/etc/passwd' AS x",
      'CREATE VIRTUAL TABLE message_fts USING fts5(body)',
      'CREATE INDEX i ON message (date_sent)',
      'CREATE TRIGGER t AFTER INSERT ON message BEGIN DELETE FROM message; END',
      'DROP TABLE message',
      'CREATE TABLE x AS SELECT * FROM message',
      '',
    ]) {
      expect(parseStatement(sql)).toEqual({ kind: 'other' });
    }
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `CREATE TABLE ${s}`),
          fc.string().map((s) => `INSERT INTO ${s} VALUES (?)`),
          fc
            .array(fc.constantFrom('(', ')', '"', "'", '[', ']', ',', 'a', ' ', '--', '/*'), {
              maxLength: 30,
            })
            .map((p) => `CREATE TABLE t (${p.join('')})`),
        ),
        (sql) => {
          const st = parseStatement(sql);
          expect(['create', 'insert', 'other']).toContain(st.kind);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

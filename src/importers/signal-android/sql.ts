/**
 * Just enough of SQLite's syntax to read the statements a Signal backup carries, without ever
 * running them: a backup is untrusted input, and replaying its SQL verbatim would let a crafted
 * file run any statement (ATTACH a path, write files). We accept two shapes and ignore the rest:
 *
 * - `CREATE TABLE name (col type ..., ..., constraints)`: the column names, in order;
 * - `INSERT INTO name [(cols)] VALUES (?, ...)`: the table, and the columns when listed.
 *
 * Positional INSERTs (Signal writes `INSERT INTO t VALUES (?,?,…)` from `SELECT *`) are mapped to
 * columns through the CREATE TABLE seen earlier in the same file, which SQLite keeps up to date
 * as columns are added, so its order is the rows' order.
 */

export interface CreateTable {
  kind: 'create';
  table: string;
  columns: string[];
}

export interface InsertInto {
  kind: 'insert';
  table: string;
  /** Listed columns, or null for a positional INSERT. */
  columns: string[] | null;
}

export type Statement = CreateTable | InsertInto | { kind: 'other' };

const CONSTRAINT_WORDS = new Set(['constraint', 'primary', 'unique', 'check', 'foreign']);

/** An identifier at `s[i]`: bare, "double", `back`, [bracket] or 'single' quoted. */
function identifier(s: string, i: number): { name: string; end: number } | null {
  const open = s[i];
  const close =
    open === '"' ? '"' : open === '`' ? '`' : open === '[' ? ']' : open === "'" ? "'" : null;
  if (close) {
    let name = '';
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] === close) {
        if (close !== ']' && s[j + 1] === close) {
          name += close;
          j++;
          continue;
        }
        return { name, end: j + 1 };
      }
      name += s[j];
    }
    return null;
  }
  const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(s.slice(i));
  return m ? { name: m[0], end: i + m[0].length } : null;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length) {
    if (/\s/.test(s[i] ?? '')) i++;
    else if (s.startsWith('--', i)) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl + 1;
    } else if (s.startsWith('/*', i)) {
      const close = s.indexOf('*/', i + 2);
      i = close < 0 ? s.length : close + 2;
    } else break;
  }
  return i;
}

/** The top-level comma-separated parts of the parenthesised list opening at `s[open]`. */
function topLevelParts(s: string, open: number): { parts: string[]; end: number } | null {
  const parts: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const id = identifier(s, i);
      if (!id) return null;
      i = id.end - 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        parts.push(s.slice(start, i));
        return { parts, end: i + 1 };
      }
    } else if (c === ',' && depth === 1) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  return null;
}

/** `name` or `schema.name`: the table name, lowercased (SQLite's names are case-insensitive). */
function tableName(s: string, i: number): { name: string; end: number } | null {
  let id = identifier(s, i);
  if (!id) return null;
  if (s[id.end] === '.') {
    const next = identifier(s, id.end + 1);
    if (!next) return null;
    id = next;
  }
  return { name: id.name.toLowerCase(), end: id.end };
}

function words(s: string, i: number, expected: string[]): number | null {
  for (const w of expected) {
    i = skipSpace(s, i);
    if (s.slice(i, i + w.length).toLowerCase() !== w || /[A-Za-z0-9_]/.test(s[i + w.length] ?? ''))
      return null;
    i += w.length;
  }
  return skipSpace(s, i);
}

function parseCreate(s: string): CreateTable | null {
  let i = words(s, 0, ['create']);
  if (i === null) return null;
  for (const w of ['temporary', 'temp']) {
    const j = words(s, i, [w]);
    if (j !== null) i = j;
  }
  i = words(s, i, ['table']);
  if (i === null) return null;
  const ifNot = words(s, i, ['if', 'not', 'exists']);
  if (ifNot !== null) i = ifNot;
  const name = tableName(s, i);
  if (!name) return null;
  i = skipSpace(s, name.end);
  if (s[i] !== '(') return null; // CREATE TABLE ... AS SELECT: not in backups
  const list = topLevelParts(s, i);
  if (!list) return null;
  const columns: string[] = [];
  for (const part of list.parts) {
    const p = skipSpace(part, 0);
    const id = identifier(part, p);
    if (!id) return null;
    const quoted = part[p] === '"' || part[p] === '`' || part[p] === '[' || part[p] === "'";
    if (!quoted && CONSTRAINT_WORDS.has(id.name.toLowerCase())) continue;
    columns.push(id.name.toLowerCase());
  }
  return columns.length > 0 ? { kind: 'create', table: name.name, columns } : null;
}

function parseInsert(s: string): InsertInto | null {
  let i = words(s, 0, ['insert']);
  if (i === null) return null;
  const orWhat = words(s, i, ['or']);
  if (orWhat !== null) {
    const verb = identifier(s, orWhat);
    if (!verb) return null;
    i = verb.end;
  }
  i = words(s, i, ['into']);
  if (i === null) return null;
  const name = tableName(s, i);
  if (!name) return null;
  i = skipSpace(s, name.end);
  let columns: string[] | null = null;
  if (s[i] === '(') {
    const list = topLevelParts(s, i);
    if (!list) return null;
    columns = [];
    for (const part of list.parts) {
      const id = identifier(part, skipSpace(part, 0));
      if (!id) return null;
      columns.push(id.name.toLowerCase());
    }
    i = list.end;
  }
  if (words(s, i, ['values']) === null) return null;
  return { kind: 'insert', table: name.name, columns };
}

/** The text without comments (outside quotes, a comment is a space to SQLite). */
function withoutComments(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'" || c === '"' || c === '`' || c === '[') {
      const id = identifier(s, i);
      const end = id ? id.end : s.length;
      out += s.slice(i, end);
      i = end - 1;
    } else if (s.startsWith('--', i)) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl - 1;
      out += ' ';
    } else if (s.startsWith('/*', i)) {
      const close = s.indexOf('*/', i + 2);
      i = close < 0 ? s.length : close + 1;
      out += ' ';
    } else out += c;
  }
  return out;
}

export function parseStatement(sql: string): Statement {
  const s = withoutComments(sql);
  return parseCreate(s) ?? parseInsert(s) ?? { kind: 'other' };
}

/**
 * parseStatement for a stream of statements where the same INSERT text repeats for every row of
 * a table: each distinct text is read once. Bounded: a file of all-different texts only fills
 * the cache up to its limit.
 */
export class StatementCache {
  private readonly seen = new Map<string, Statement>();
  constructor(private readonly limit = 10_000) {}

  parse(sql: string): Statement {
    let st = this.seen.get(sql);
    if (!st) {
      st = parseStatement(sql);
      if (this.seen.size < this.limit && sql.length < 4096) this.seen.set(sql, st);
    }
    return st;
  }
}

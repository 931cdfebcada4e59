import type Database from 'better-sqlite3';

/**
 * Rows of a statement as arrays, read through one reused view whose named getters index the
 * current array. A phone backup has hundreds of thousands of rows; building an object with a
 * dozen or two named fields for each costs more than reading the row. The view is the same
 * object every time: use its values before pulling the next row.
 */
export function* rowsThrough<T extends object>(
  stmt: Database.Statement,
  fields: readonly (keyof T & string)[],
  ...params: unknown[]
): Generator<T> {
  const names = stmt.columns().map((c) => c.name);
  let raw: unknown[] = [];
  const view = {} as T;
  for (const f of fields) {
    const col = names.indexOf(f);
    Object.defineProperty(view, f, { get: () => (col >= 0 ? raw[col] : null), enumerable: true });
  }
  for (const row of stmt.raw(true).iterate(...params) as IterableIterator<unknown[]>) {
    raw = row;
    yield view;
  }
}

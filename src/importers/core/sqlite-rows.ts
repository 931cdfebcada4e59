import type Database from 'better-sqlite3';

/**
 * What a column should hold. SQLite is dynamically typed and a damaged page can hand back any
 * value in any column (a blob where a message id should be, a number for a file path): a value
 * of another type is read as null, absent, so one damaged row cannot crash a reader or reach
 * the store as an invalid record.
 */
export type ColumnType = 'text' | 'number' | 'bytes' | 'any';
export type ColumnTypes<T> = { [K in keyof T & string]: ColumnType };

export function ofType(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined || type === 'any') return value ?? null;
  if (type === 'text') return typeof value === 'string' ? value : null;
  if (type === 'number')
    return typeof value === 'number' || typeof value === 'bigint' ? value : null;
  return value instanceof Uint8Array ? value : null;
}

/** An object row with each listed column read as its type (see ColumnType); changes `row`. */
export function typedRow<T extends object>(row: T, types: Partial<ColumnTypes<T>>): T {
  const r = row as Record<string, unknown>;
  for (const [k, t] of Object.entries(types) as [string, ColumnType][]) r[k] = ofType(r[k], t);
  return row;
}

/**
 * Rows of a statement as arrays, read through one reused view whose named getters index the
 * current array. A phone backup has hundreds of thousands of rows; building an object with a
 * dozen or two named fields for each costs more than reading the row. The view is the same
 * object every time: use its values before pulling the next row.
 */
export function* rowsThrough<T extends object>(
  stmt: Database.Statement,
  fields: readonly (keyof T & string)[] | ColumnTypes<T>,
  ...params: unknown[]
): Generator<T> {
  const names = stmt.columns().map((c) => c.name);
  let raw: unknown[] = [];
  const view = {} as T;
  const typed = !Array.isArray(fields);
  const list = (typed ? Object.keys(fields) : fields) as (keyof T & string)[];
  for (const f of list) {
    const col = names.indexOf(f);
    const type: ColumnType = typed ? (fields as ColumnTypes<T>)[f] : 'any';
    Object.defineProperty(view, f, {
      get: () => (col >= 0 ? ofType(raw[col], type) : null),
      enumerable: true,
    });
  }
  for (const row of stmt.raw(true).iterate(...params) as IterableIterator<unknown[]>) {
    raw = row;
    yield view;
  }
}

/**
 * Like `rowsThrough`, for a query whose rare columns live in a second statement. Every column a
 * row produces costs a JavaScript value, and most messages of a phone backup are plain text with
 * a dozen media, location and system columns all null: reading those nulls took more time than
 * the rest of the row. So `main` selects the common columns plus a `flag` column that says
 * whether the row has anything in the rare ones, and only then is `detail` (one row, keyed by
 * the main row's `key` column) run for them. A field read from neither statement is null.
 */
export function* rowsWithDetail<T extends object>(
  main: Database.Statement,
  detail: Database.Statement,
  fields: ColumnTypes<T>,
  link: { flag: string; key: keyof T & string },
  ...params: unknown[]
): Generator<T> {
  const mainNames = main.columns().map((c) => c.name);
  const detailNames = detail.columns().map((c) => c.name);
  const flagCol = mainNames.indexOf(link.flag);
  const keyCol = mainNames.indexOf(link.key);
  if (flagCol < 0 || keyCol < 0)
    throw new Error(`rowsWithDetail: main lacks ${link.flag}/${link.key}`);
  let raw: unknown[] = [];
  let extra: unknown[] | null = null;
  const view = {} as T;
  for (const [f, type] of Object.entries(fields) as [keyof T & string, ColumnType][]) {
    const inMain = mainNames.indexOf(f);
    const inDetail = detailNames.indexOf(f);
    const get =
      inMain >= 0
        ? () => ofType(raw[inMain], type)
        : inDetail >= 0
          ? () => (extra === null ? null : ofType(extra[inDetail], type))
          : () => null;
    Object.defineProperty(view, f, { get, enumerable: true });
  }
  detail.raw(true);
  for (const row of main.raw(true).iterate(...params) as IterableIterator<unknown[]>) {
    raw = row;
    extra = row[flagCol] ? ((detail.get(row[keyCol]) as unknown[] | undefined) ?? null) : null;
    yield view;
  }
}

import * as storeErrors from '../errors.js';
import type { IngestProgress } from '../ingest.js';

/**
 * Messages between StoreClient (caller's thread) and store.worker.ts. Each call has an id and
 * gets exactly one `result` or `error`; `ingest` calls may get `progress` before that.
 */
export type ToWorker =
  | { type: 'call'; id: number; method: string; args: unknown[]; cancelFlag?: Int32Array }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; storeId: string; dir: string; dbPath: string }
  | { type: 'open-failed'; error: WireError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'progress'; id: number; progress: IngestProgress }
  | { type: 'closed' };

export interface WireError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  /** The error's own data fields (details, dbPath, ...). */
  props: Record<string, unknown>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

const CLASSES: Map<string, ErrorClass> = new Map(
  Object.values(storeErrors as Record<string, unknown>)
    .filter((v): v is ErrorClass => typeof v === 'function' && v.prototype instanceof Error)
    .map((cls) => [cls.name, cls]),
);

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), props: {} };
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'cause') continue;
    try {
      props[key] = structuredClone(value);
    } catch {
      // Not cloneable (a function, a handle): the message still says what happened.
    }
  }
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    code: typeof code === 'string' ? code : undefined,
    stack: error.stack,
    props,
  };
}

/** The same error class again (instanceof and code work), built without its constructor. */
export function fromWire(w: WireError): Error {
  const cls = CLASSES.get(w.name);
  const error = cls ? (Object.create(cls.prototype) as Error) : new Error(w.message);
  Object.assign(error, w.props);
  const define = (key: string, value: unknown): void => {
    Object.defineProperty(error, key, { value, writable: true, configurable: true });
  };
  define('message', w.message);
  define('name', w.name);
  if (w.stack) define('stack', w.stack);
  if (w.code !== undefined && (error as { code?: unknown }).code !== w.code) {
    Object.defineProperty(error, 'code', { value: w.code, enumerable: true, configurable: true });
  }
  return error;
}

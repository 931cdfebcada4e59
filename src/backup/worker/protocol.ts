import * as backupErrors from '../errors.js';
import * as storeErrors from '../../store/errors.js';
import type { ProgressLike } from './types.js';

/**
 * Messages between BackupClient (the caller's thread) and backup.worker.ts.
 * Every call carries an id; the worker answers it with exactly one `result` or `error`, and
 * may send `progress` for it before that. `cancel` aborts the call's AbortSignal.
 */
export type ClientMessage =
  | {
      type: 'call';
      id: number;
      method: string;
      args: unknown[];
      progress: boolean;
      cancellable: boolean;
    }
  | { type: 'cancel'; id: number };

export type WorkerMessage =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'progress'; id: number; progress: ProgressLike };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
  /** The error's own enumerable data fields (object, holder, details...), structured-cloned. */
  props: Record<string, unknown>;
}

/** The worker ended without answering: it crashed, ran out of memory or was terminated. */
export class WorkerCrashedError extends Error {
  readonly code = 'WORKER_CRASHED' as const;
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`The backup worker stopped unexpectedly: ${detail}`, options);
    this.name = 'WorkerCrashedError';
  }
}

/** The client was closed (or is closing) and takes no more calls. */
export class BackupClientClosedError extends Error {
  readonly code = 'CLIENT_CLOSED' as const;
  constructor() {
    super('The backup client is closed');
    this.name = 'BackupClientClosedError';
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Error classes that keep their identity across the thread boundary, by class name. */
const KNOWN_ERRORS: Map<string, ErrorClass> = (() => {
  const map = new Map<string, ErrorClass>();
  for (const mod of [backupErrors, storeErrors] as Record<string, unknown>[]) {
    for (const value of Object.values(mod)) {
      if (typeof value === 'function' && value.prototype instanceof Error) {
        map.set(value.name, value as ErrorClass);
      }
    }
  }
  map.set('WorkerCrashedError', WorkerCrashedError);
  return map;
})();

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), props: {} };
  }
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'cause' || !isCloneable(value)) continue;
    props[key] = value;
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

/**
 * Re-creates the error as an instance of the same class (so `instanceof` and `code` work the
 * same on both sides) without calling its constructor, whose arguments we do not have.
 */
export function deserializeError(s: SerializedError): Error {
  const cls = KNOWN_ERRORS.get(s.name);
  const error: Error = cls ? (Object.create(cls.prototype) as Error) : new Error(s.message);
  Object.assign(error, s.props);
  Object.defineProperty(error, 'message', { value: s.message, writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: s.name, writable: true, configurable: true });
  if (s.code !== undefined && (error as { code?: unknown }).code !== s.code) {
    Object.defineProperty(error, 'code', { value: s.code, enumerable: true, configurable: true });
  }
  if (s.stack)
    Object.defineProperty(error, 'stack', { value: s.stack, writable: true, configurable: true });
  return error;
}

function isCloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

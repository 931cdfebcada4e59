import { BackendOfflineError, BackupCancelledError } from '../errors.js';

/**
 * What network backends share: telling a passing network fault from a real answer, retrying
 * with backoff and jitter, per-request deadlines, and counting what crossed the wire.
 */

/**
 * A fault worth trying again: the connection dropped or timed out, the server is overloaded
 * (429, 5xx) or restarting. Objects are immutable, so repeating a write is always safe.
 */
export class TransientError extends Error {
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'TransientError';
  }
}

export interface RetryPolicy {
  /** Give up (offline) once retrying one operation has taken this long. */
  budgetMs: number;
  /** First backoff; doubles each attempt (full jitter), up to maxDelayMs. */
  baseMs: number;
  maxDelayMs: number;
}

/**
 * About two minutes of retrying per operation: long enough to ride out a Wi-Fi hand-over, a
 * router restart or a server's short maintenance, short enough that a laptop taken offline
 * hears "offline, will retry" soon (the app's scheduler then tries again later).
 */
export const DEFAULT_RETRY: RetryPolicy = { budgetMs: 120_000, baseMs: 250, maxDelayMs: 15_000 };

/** What crossed the wire: requests (or SFTP round trips), bytes each way, retries. */
export interface TransferStats {
  requests: number;
  bytesUp: number;
  bytesDown: number;
  retries: number;
}

export function newStats(): TransferStats {
  return { requests: 0, bytesUp: 0, bytesDown: 0, retries: 0 };
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SSH_CHANNEL_CLOSED',
]);

/**
 * Whether an error (or anything in its cause chain) is a network fault rather than an answer:
 * a reset or refused connection, a DNS failure (a laptop offline), a timeout.
 */
export function isNetworkFault(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 6; depth++) {
    const x = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return true;
    if (x.name === 'TimeoutError' || x.name === 'AbortError') return true;
    if (
      typeof x.message === 'string' &&
      /socket hang up|other side closed|premature close|Not connected|No response from server|Connection lost|keepalive timeout|Timed out while waiting for handshake/i.test(
        x.message,
      )
    )
      return true;
    e = x.cause;
  }
  return false;
}

/** A one-line reason for messages, from the innermost cause that says something. */
export function faultDetail(err: unknown): string {
  let out = '';
  for (let e = err, depth = 0; e && depth < 6; depth++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    const piece =
      typeof x.code === 'string' ? x.code : typeof x.message === 'string' ? x.message : '';
    if (piece && piece !== 'fetch failed') out = piece;
    e = x.cause;
  }
  return out || String(err);
}

/**
 * Runs `fn`, retrying TransientErrors with exponential backoff and full jitter (so many
 * clients coming back at once do not hammer the server in step) until the policy's budget is
 * spent; then the location is reported offline.
 */
export async function withRetry<T>(
  ctx: { location: string; policy: RetryPolicy; stats?: TransferStats; signal?: AbortSignal },
  fn: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
      const cap = Math.min(ctx.policy.maxDelayMs, ctx.policy.baseMs * 2 ** attempt);
      const delay = Math.random() * cap;
      if (Date.now() - started + delay > ctx.policy.budgetMs) {
        throw new BackendOfflineError(ctx.location, err.detail, { cause: err });
      }
      if (ctx.stats) ctx.stats.retries++;
      await sleep(delay, ctx.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BackupCancelledError());
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new BackupCancelledError());
      },
      { once: true },
    );
  });
}

/**
 * How long one request may take before it counts as stalled: a minute, plus the time to move
 * its bytes at 64 KiB/s (a slow uplink), so a 16 MiB pack gets about five minutes.
 */
export function deadlineMs(bytes: number, baseMs = 60_000): number {
  return baseMs + Math.ceil((bytes / (64 * 1024)) * 1000);
}

/** Runs tasks with at most `limit` at once; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

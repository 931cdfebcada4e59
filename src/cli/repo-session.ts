import os from 'node:os';
import { formatLocation, type BackendLocation } from '../backup/backend/location.js';
import { Repository, type Backend } from '../backup/index.js';
import { defaultStateDir } from './app-paths.js';
import { openLocation, requireLocation } from './backend-access.js';
import type { CommandContext } from './context.js';
import { CliUsageError } from './errors.js';
import { errorCode } from './exit-codes.js';
import { MarkerState } from './marker-state.js';
import { secretToOpen } from './secrets.js';

/** The storage behind `--repo`, opened (the caller closes it), with its location as text. */
export async function repoBackend(
  ctx: CommandContext,
  location: BackendLocation = requireLocation(ctx),
): Promise<{ location: BackendLocation; repoPath: string; backend: Backend }> {
  const backend = await openLocation(ctx, location);
  ctx.transfer = backend.stats;
  return { location, repoPath: formatLocation(location), backend };
}

export function markerState(ctx: CommandContext): MarkerState {
  return new MarkerState(defaultStateDir(ctx.io.secrets.env), ctx.g.store);
}

export interface SessionOptions {
  /** Restore and check say so when this computer has no marker to detect a rollback with. */
  warnWithoutMarker?: boolean;
}

/**
 * Opens the repository with the user's secret, checks it against the newest snapshot this
 * user saw in it (kept per repository id in the state folder), runs `fn`, records the newest
 * marker and always closes (which releases the engine's lock), also when `fn` fails or is
 * cancelled. Warnings from opening (a damaged copy of a key file, skipped snapshot or index
 * files) are printed on stderr.
 */
export async function withRepository<T>(
  ctx: CommandContext,
  fn: (repo: Repository, repoPath: string) => Promise<T>,
  opts: SessionOptions = {},
): Promise<T> {
  const location = requireLocation(ctx);
  const secret = await secretToOpen(
    {
      passwordFile: ctx.g.passwordFile,
      recoveryKeyFile: ctx.g.recoveryKeyFile,
      recoveryKey: ctx.g.recoveryKey,
    },
    ctx.io.secrets,
  );
  const { repoPath, backend } = await repoBackend(ctx, location);
  try {
    return await withOpenRepository(ctx, backend, repoPath, secret, fn, opts);
  } finally {
    await backend.close?.();
  }
}

async function withOpenRepository<T>(
  ctx: CommandContext,
  backend: Backend,
  repoPath: string,
  secret: Awaited<ReturnType<typeof secretToOpen>>,
  fn: (repo: Repository, repoPath: string) => Promise<T>,
  opts: SessionOptions,
): Promise<T> {
  const markers = markerState(ctx);
  const openStarted = Date.now();
  const repo = await Repository.open(backend, secret);
  // Key derivation (Argon2id) dominates opening: worth seeing apart from the work itself.
  ctx.timings.openMs = Date.now() - openStarted;
  try {
    for (const w of repo.warnings) ctx.out.warn(w);
    reportProblems(ctx, repo);
    if (ctx.g.acceptRollback) {
      await markers.forget(repo.repoId);
      ctx.out.warn('forgetting the last-seen snapshot marker (--accept-rollback)');
    }
    const seen = ctx.g.acceptRollback ? null : await readMarker(ctx, markers, repo, repoPath);
    if (seen) await repo.verifyNotRolledBack(seen);
    else if (opts.warnWithoutMarker) warnNoMarker(ctx, repo);
    await recordMarker(ctx, markers, repo, repoPath);
    const workStarted = Date.now();
    const result = await retryWhileLocked(ctx, () => fn(repo, repoPath));
    ctx.timings.operationMs = Date.now() - workStarted;
    await recordMarker(ctx, markers, repo, repoPath);
    return result;
  } finally {
    await repo.close();
  }
}

/** The marker is a safety net: a state folder we cannot read or write is a warning, not a failure. */
async function readMarker(
  ctx: CommandContext,
  markers: MarkerState,
  repo: Repository,
  repoPath: string,
) {
  try {
    return await markers.get(repo.repoId, repoPath);
  } catch (err) {
    ctx.out.warn(
      `could not read the snapshot markers in ${markers.dir}: ${(err as Error).message}`,
    );
    return null;
  }
}

async function recordMarker(
  ctx: CommandContext,
  markers: MarkerState,
  repo: Repository,
  repoPath: string,
): Promise<void> {
  const latest = repo.latestMarker(os.hostname());
  if (!latest) return;
  try {
    await markers.set(repo.repoId, repoPath, latest);
  } catch (err) {
    ctx.out.warn(
      `could not record the newest snapshot in ${markers.dir} (${(err as Error).message}); ` +
        'rollback detection is off for this backup until it can',
    );
  }
}

function reportProblems(ctx: CommandContext, repo: Repository): void {
  const damaged = repo.problems.filter((p) => p.state === 'damaged');
  const notHere = repo.problems.filter((p) => p.state !== 'damaged');
  if (damaged.length > 0) {
    ctx.out.warn(
      `${damaged.length} file${damaged.length === 1 ? '' : 's'} of this backup ` +
        `${damaged.length === 1 ? 'is' : 'are'} damaged and skipped (${damaged
          .slice(0, 3)
          .map((p) => p.object)
          .join(', ')}${damaged.length > 3 ? ', …' : ''}). Run "chatkeep repair".`,
    );
  }
  if (notHere.length > 0) {
    ctx.out.warn(
      `${notHere.length} file${notHere.length === 1 ? '' : 's'} of this backup ` +
        `${notHere.length === 1 ? 'is' : 'are'} not on this computer yet (still in the cloud, or ` +
        'still arriving from another computer) and skipped for now.',
    );
  }
}

function warnNoMarker(ctx: CommandContext, repo: Repository): void {
  const newest = repo.latestMarker();
  ctx.out.warn(
    'this computer has no record of the newest snapshot in this backup, so it cannot tell ' +
      'whether the folder was replaced by an older copy' +
      (newest ? ` (the newest snapshot here is #${newest.seq}, ${newest.id.slice(0, 12)})` : '') +
      '. From now on it keeps one.',
  );
}

/**
 * With `--retry-lock SECONDS`, waits out another backup or maintenance task holding the lock
 * (the app's scheduled backup, another chatkeep) instead of failing at once. Each engine
 * operation takes its lock before doing anything, so a locked attempt changed nothing and
 * retrying it is safe. Jitter keeps two waiting processes from colliding again and again.
 */
async function retryWhileLocked<T>(ctx: CommandContext, attempt: () => Promise<T>): Promise<T> {
  const seconds = ctx.g.retryLock === undefined ? 0 : Number(ctx.g.retryLock);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new CliUsageError(`--retry-lock needs a number of seconds, got "${ctx.g.retryLock}"`);
  }
  const deadline = Date.now() + seconds * 1000;
  let announced = false;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (errorCode(error) !== 'REPO_LOCKED' || Date.now() >= deadline) throw error;
      if (!announced) {
        ctx.out.info(`${(error as Error).message}\nWaiting up to ${seconds} s for the lock...`);
        announced = true;
      }
      const wait = Math.min(deadline - Date.now(), 500 + Math.random() * 1500);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, wait);
        ctx.io.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(error);
          },
          { once: true },
        );
      });
    }
  }
}

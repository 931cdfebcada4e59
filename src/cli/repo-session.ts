import path from 'node:path';
import { createFolderBackend, Repository } from '../backup/index.js';
import type { CommandContext } from './context.js';
import { CliUsageError } from './errors.js';
import { errorCode } from './exit-codes.js';
import { MarkerState } from './marker-state.js';
import { secretToOpen } from './secrets.js';

export function requireRepoPath(ctx: CommandContext): string {
  const repo = ctx.g.repo ?? ctx.io.secrets.env.CHATKEEP_REPO;
  if (!repo) throw new CliUsageError('Which repository? Pass --repo PATH (or set CHATKEEP_REPO).');
  return path.resolve(repo);
}

/**
 * Opens the repository with the user's secret and this store's last-seen marker, runs `fn`,
 * records the newest marker and always closes (which releases the engine's lock), also when
 * `fn` fails or is cancelled.
 */
export async function withRepository<T>(
  ctx: CommandContext,
  fn: (repo: Repository, repoPath: string) => Promise<T>,
  openOpts: { allowDamaged?: boolean } = {},
): Promise<T> {
  const repoPath = requireRepoPath(ctx);
  const markers = MarkerState.forStore(ctx.g.store);
  if (ctx.g.acceptRollback) {
    await markers.forget(repoPath);
    ctx.out.warn('forgetting the last-seen snapshot marker (--accept-rollback)');
  }
  const seen = await markers.get(repoPath);
  const secret = await secretToOpen(
    {
      passwordFile: ctx.g.passwordFile,
      recoveryKeyFile: ctx.g.recoveryKeyFile,
      recoveryKey: ctx.g.recoveryKey,
    },
    ctx.io.secrets,
  );
  const backend = createFolderBackend(repoPath);
  const openStarted = Date.now();
  let repo: Repository;
  try {
    repo = await Repository.open(backend, secret, { ...openOpts, lastSeen: seen?.marker ?? null });
  } catch (error) {
    if (!seen || errorCode(error) !== 'ROLLBACK_DETECTED') throw error;
    // The marker is keyed by path: a repository deleted and created anew at the same path is
    // not a rollback of the one we saw. Only the same repository (same id) with older
    // snapshots is. Costs a second key derivation, on this rare path only.
    const other = await Repository.open(backend, secret, openOpts);
    if (other.repoId === seen.repoId) {
      await other.close();
      throw error;
    }
    ctx.out.warn(
      `${repoPath} now holds a different repository (${other.repoId}) than last time ` +
        `(${seen.repoId}); following the new one`,
    );
    repo = other;
  }
  // Key derivation (Argon2id) dominates opening: worth seeing apart from the work itself.
  ctx.timings.openMs = Date.now() - openStarted;
  try {
    const opened = repo.latestMarker();
    if (opened) await markers.set(repoPath, repo.repoId, opened);
    const workStarted = Date.now();
    const result = await retryWhileLocked(ctx, () => fn(repo, repoPath));
    ctx.timings.operationMs = Date.now() - workStarted;
    const latest = repo.latestMarker();
    if (latest) await markers.set(repoPath, repo.repoId, latest);
    return result;
  } finally {
    await repo.close();
  }
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

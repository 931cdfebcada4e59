import { execFile } from 'node:child_process';
import fs from 'node:fs';

/** fsyncs in flight at once where each file is synced alone. */
const FSYNC_PARALLEL = 16;

/** fsync a directory, so the names created or renamed in it survive a power loss. */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Directories cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}

/**
 * Makes many just-written files durable. On Linux one `syncfs` of their file system (through
 * coreutils' `sync -f`) costs about as much as a dozen fsyncs, where tens of thousands of small
 * chat media files each fsynced alone take many seconds (each fsync is a journal commit).
 * Elsewhere, or when that is not possible, each file is fsynced, many in parallel.
 */
export async function makeDurable(files: readonly string[], dirOnSameFs: string): Promise<void> {
  if (files.length === 0) return;
  if (process.platform === 'linux' && files.length > 64 && (await syncfs(dirOnSameFs))) return;
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++]!;
      const fd = await new Promise<number>((resolve, reject) =>
        fs.open(file, 'r+', (err, fd) => (err ? reject(err) : resolve(fd))),
      );
      try {
        await new Promise<void>((resolve, reject) =>
          fs.fsync(fd, (err) => (err ? reject(err) : resolve())),
        );
      } finally {
        await new Promise<void>((resolve) => fs.close(fd, () => resolve()));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(FSYNC_PARALLEL, files.length) }, one));
}

/** `syncfs` of the file system holding `dir`; false when it could not be run. */
function syncfs(dir: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sync', ['-f', dir], { timeout: 120_000 }, (err) => resolve(!err));
  });
}

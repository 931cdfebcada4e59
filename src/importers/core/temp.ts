import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let tempRoot: string | null = null;

/**
 * Where this process's import temp folders go. An import worker is given a folder its parent
 * owns and removes after the job, however the job ends (a worker stopped mid-way never runs
 * its own `finally`), so nothing is left behind after a cancel or a crash.
 */
export function setTempRoot(dir: string | null): void {
  tempRoot = dir;
}

/** Runs `fn` with a private temp folder that is removed afterwards, whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(tempRoot ?? os.tmpdir(), 'ck-import-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a worker thread's entry file lives, in each way our code runs:
 * - bundled (the Electron main bundle, the CLI bundle): `<name>.worker.js` beside the bundle;
 * - from source (vitest, tsx, benchmarks): the TypeScript file, loaded through tsx.
 * Every worker is created through this so the bundlers and the tests agree on one layout.
 */
export type WorkerName = 'store' | 'backup' | 'import' | 'media' | 'export';

const SOURCES: Record<WorkerName, string> = {
  store: '../store/worker/store.worker.ts',
  backup: '../backup/worker/backup.worker.ts',
  media: '../backup/worker/media.worker.ts',
  import: '../services/import-worker/import.worker.ts',
  export: '../export/worker/export.worker.ts',
};

export interface WorkerEntry {
  file: string;
  execArgv: string[];
}

let configuredBundleDir: string | null = null;

/** A bundle's entry point says where it lives, since shared code may sit in a chunk folder. */
export function setWorkerBundleDir(dir: string): void {
  configuredBundleDir = dir;
}

export function workerEntry(name: WorkerName, bundleDir?: string): WorkerEntry {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dirs = [bundleDir, configuredBundleDir, here, path.dirname(here)].filter(
    (dir): dir is string => typeof dir === 'string',
  );
  for (const dir of dirs) {
    const bundled = path.join(dir, `${name}.worker.js`);
    if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  }
  const source = path.resolve(here, SOURCES[name]);
  if (existsSync(source)) return { file: source, execArgv: ['--import', 'tsx'] };
  throw new Error(`Worker entry for "${name}" not found (looked in ${dirs.join(', ')})`);
}

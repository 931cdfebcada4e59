import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { workerEntry, type WorkerName } from './worker-entry';

export interface SpawnWorkerOptions {
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
  /** Where a bundle keeps `<name>.worker.js`, when bundled. */
  bundleDir?: string;
}

/**
 * Start one of our worker threads. A bundled entry runs as is. A TypeScript source entry (tests,
 * tsx, benchmarks) needs tsx's loader inside the worker, and on Node 20 a worker's
 * `--import tsx` execArgv does not install it, so a tiny bootstrap registers tsx's ESM hooks in
 * the worker and then imports the entry.
 */
export function spawnWorker(name: WorkerName, options: SpawnWorkerOptions = {}): Worker {
  const entry = workerEntry(name, options.bundleDir);
  const base = { workerData: options.workerData, resourceLimits: options.resourceLimits };
  if (!entry.file.endsWith('.ts')) {
    return new Worker(entry.file, { ...base, execArgv: entry.execArgv });
  }
  const bootstrap = `
    import(${JSON.stringify(tsxEsmApiUrl())})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(entry.file).href)}); })
      .catch((error) => { setImmediate(() => { throw error; }); });
  `;
  return new Worker(bootstrap, { ...base, eval: true });
}

/** URL of tsx's ESM register API, found through its package.json exports. */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } } | string>;
  };
  const target = pkg.exports['./esm/api'];
  const rel = typeof target === 'object' ? target.import?.default : undefined;
  if (!rel) throw new Error('tsx does not export ./esm/api; cannot run a worker from source');
  return pathToFileURL(path.join(path.dirname(pkgPath), rel)).href;
}

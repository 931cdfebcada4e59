#!/usr/bin/env node
/**
 * Bundles the `chatkeep` CLI into out/cli/chatkeep.js (plus the worker entries beside it, where
 * `workerEntry()` looks for them), so `npx chatkeep` runs on plain Node without tsx.
 * Native modules stay external: they are loaded from node_modules at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeBundleOptions } from './node-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir DIR` (inside the repository, so node_modules resolve): a private copy, e.g. for a
// benchmark that must not see the bundle change under it while tests rebuild out/cli.
const outdirArg = process.argv.indexOf('--outdir');
const outdir =
  outdirArg > 0 && process.argv[outdirArg + 1]
    ? path.resolve(process.argv[outdirArg + 1])
    : path.join(root, 'out', 'cli');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const entries = {
  chatkeep: 'src/cli/main.ts',
  'store.worker': 'src/store/worker/store.worker.ts',
  'backup.worker': 'src/backup/worker/backup.worker.ts',
  'media.worker': 'src/backup/worker/media.worker.ts',
  'import.worker': 'src/services/import-worker/import.worker.ts',
};

const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, file]) => existsSync(path.join(root, file))),
);

const base = nodeBundleOptions({ root, version: pkg.version });
await build({
  ...base,
  entryPoints,
  outdir,
  sourcemap: true,
  // The CLI runs beside node_modules: ssh2 (optional native crypto) and the AWS SDK (large) load
  // from there, and the bundle is code split, so the network backends are chunks loaded only
  // when a command first reaches such a location, not at every start.
  splitting: true,
  external: [
    ...base.external,
    'ssh2',
    'cpu-features',
    '@aws-sdk/client-s3',
    '@smithy/node-http-handler',
  ],
});

process.stdout.write(
  `built ${Object.keys(entryPoints)
    .map((n) => `${n}.js`)
    .join(', ')} in ${path.relative(root, outdir)}\n`,
);

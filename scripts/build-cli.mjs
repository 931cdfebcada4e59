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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir DIR` (inside the repository, so node_modules resolve): a private copy, e.g. for a
// benchmark that must not see the bundle change under it while tests rebuild out/cli.
const outdirArg = process.argv.indexOf('--outdir');
const outdir =
  outdirArg > 0 && process.argv[outdirArg + 1]
    ? path.resolve(process.argv[outdirArg + 1])
    : path.join(root, 'out', 'cli');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

// ssh2 (optional native crypto) and the AWS SDK (large) load from node_modules too.
const NATIVE = [
  'better-sqlite3',
  'sodium-native',
  'zstd-napi',
  'keytar',
  'electron',
  'ssh2',
  'cpu-features',
  '@aws-sdk/client-s3',
  '@smithy/node-http-handler',
];

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

await build({
  absWorkingDir: root,
  entryPoints,
  outdir,
  bundle: true,
  // Code split: the network backends (with the AWS SDK and ssh2, loaded from node_modules)
  // are chunks loaded when a command first reaches such a location, not at every start.
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Error classes are matched by name across the worker boundary.
  keepNames: true,
  external: NATIVE,
  define: { __CHATKEEP_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies call require() for Node built-ins; ESM has no require.
  banner: {
    js: "import { createRequire as __ckCreateRequire } from 'node:module'; const require = __ckCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

process.stdout.write(
  `built ${Object.keys(entryPoints)
    .map((n) => `${n}.js`)
    .join(', ')} in ${path.relative(root, outdir)}\n`,
);

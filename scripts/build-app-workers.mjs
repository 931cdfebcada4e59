#!/usr/bin/env node
/**
 * Bundles the app's worker threads into out/main/<name>.worker.js, beside the main bundle where
 * `workerEntry()` looks for them. Runs after `electron-vite build` (which empties out/main).
 *
 * They are built apart from the main bundle, as Signal-Desktop builds its SQL worker, so that
 * each is one file sharing no chunk with main and importing no JavaScript package: a packaged app
 * starts workers from app.asar.unpacked, and electron-builder.yml unpacks exactly these files and
 * the native modules (checked by shell-proof/packaging.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeBundleOptions } from './node-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const APP_WORKERS = {
  'store.worker': 'src/store/worker/store.worker.ts',
  'backup.worker': 'src/backup/worker/backup.worker.ts',
  // Started by the backup worker itself (src/backup/engine/media-pipeline.ts), from beside it.
  'media.worker': 'src/backup/worker/media.worker.ts',
  'import.worker': 'src/services/import-worker/import.worker.ts',
  'export.worker': 'src/export/worker/export.worker.ts',
};

await build({
  ...nodeBundleOptions({ root, version: pkg.version }),
  entryPoints: APP_WORKERS,
  outdir: path.join(root, 'out', 'main'),
  // Packaged apps ship no source maps (and so no sources inside them).
  sourcemap: false,
});

process.stdout.write(`built ${Object.keys(APP_WORKERS).join(', ')} in out/main\n`);

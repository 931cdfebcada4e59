import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files `npm run build` makes, which these tests prove. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const built = {
  main: path.join(repoRoot, 'out/main/index.js'),
  preload: path.join(repoRoot, 'out/preload/index.cjs'),
  renderer: path.join(repoRoot, 'out/renderer'),
  workers: ['store', 'backup', 'import', 'media', 'export'].map((name) =>
    path.join(repoRoot, 'out/main', `${name}.worker.js`),
  ),
};

/** Fails with what to do when the build is missing (these tests run after `npm run build`). */
export function assertBuilt(): void {
  const missing = [
    built.main,
    built.preload,
    path.join(built.renderer, 'index.html'),
    ...built.workers,
  ]
    .filter((file) => !existsSync(file))
    .map((file) => path.relative(repoRoot, file));
  if (missing.length > 0) {
    throw new Error(
      `Not built: ${missing.join(', ')}. Run "npm run test:shell" (it builds first).`,
    );
  }
}

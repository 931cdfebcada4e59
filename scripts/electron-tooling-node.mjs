/**
 * The Node that Electron's own tooling here declares it needs: the electron package (it downloads
 * its binary on first use) and @electron/rebuild (native modules for Electron's ABI), which
 * `npm start` and `npm run dist` run. Read from their package.json files, so it stays true when
 * they move on. (The tests and the `chatkeep` command line need only package.json's `engines`.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ELECTRON_TOOLS = ['electron', '@electron/rebuild'];

/** Each tool's declared Node range, e.g. `{ name: 'electron', range: '>= 22.12.0' }`. */
export function electronToolingNodeRanges() {
  return ELECTRON_TOOLS.map((name) => {
    const file = path.join(root, 'node_modules', name, 'package.json');
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    return { name, range: pkg.engines?.node ?? '*' };
  });
}

/** The lowest Node version every tool accepts, e.g. "22.12.0". */
export function electronToolingMinimumNode() {
  const minimums = electronToolingNodeRanges().map(({ range }) => semver.minVersion(range));
  return minimums.reduce((a, b) => (semver.gt(a, b) ? a : b)).version;
}

/** The tools whose declared range `version` does not satisfy. */
export function unmetElectronTooling(version) {
  return electronToolingNodeRanges().filter(({ range }) => !semver.satisfies(version, range));
}

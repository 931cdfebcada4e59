#!/usr/bin/env node
/**
 * Refreshes scripts/electron-majors.json, the pinned list of the newest stable Electron majors
 * the npm registry serves (Electron supports the newest three). scripts/electron-current.test.ts
 * checks package.json's electron against it without the network; run this when that test says
 * the list is stale (`npm run electron:majors`), then move electron up if it is behind.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const versions = JSON.parse(
  execFileSync(npm, ['view', 'electron', 'versions', '--json'], { encoding: 'utf8' }),
);

/** The newest stable release of each major (no alpha, beta or nightly). */
const newest = new Map();
for (const version of versions) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) continue;
  const [major, minor, patch] = m.slice(1).map(Number);
  const best = newest.get(major);
  if (!best || minor > best[0] || (minor === best[0] && patch > best[1])) {
    newest.set(major, [minor, patch]);
  }
}
const majors = [...newest.keys()].sort((a, b) => b - a).slice(0, 3);
const pinned = {
  checkedAt: new Date().toISOString().slice(0, 10),
  source: 'npm view electron versions',
  newestStableMajors: majors,
  newestStable: Object.fromEntries(majors.map((m) => [m, `${m}.${newest.get(m).join('.')}`])),
};
writeFileSync(
  path.join(root, 'scripts/electron-majors.json'),
  `${JSON.stringify(pinned, null, 2)}\n`,
);
console.log(`newest stable Electron majors: ${majors.join(', ')} (${pinned.checkedAt})`);

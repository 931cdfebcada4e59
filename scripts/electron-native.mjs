// Keeps a build of better-sqlite3 for Electron's ABI in .electron-native/, beside the Node build
// in node_modules that the tests and the CLI use. The app passes it to better-sqlite3 as
// `nativeBinding` when it runs unpackaged (src/main/native.ts). `require('electron')` gives the
// binary's path, downloading it on first use (Electron 45's package no longer downloads at
// install); where that fails (no network, as on our CI) it says so and exits 0.
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const target = path.join(root, '.electron-native', 'better_sqlite3.node');

let electronBinary = null;
try {
  electronBinary = require('electron');
} catch {
  electronBinary = null;
}
if (typeof electronBinary !== 'string' || !existsSync(electronBinary)) {
  console.log('electron-native: no Electron binary here, nothing to build');
  process.exit(0);
}
const electronVersion = require('electron/package.json').version;
const stamp = path.join(root, '.electron-native', `electron-${electronVersion}`);
if (existsSync(target) && existsSync(stamp)) process.exit(0);

// Rebuild a private copy so node_modules keeps its Node build.
const work = path.join(root, '.electron-native', 'work');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'node_modules'), { recursive: true });
writeFileSync(
  path.join(work, 'package.json'),
  JSON.stringify({
    name: 'electron-native',
    private: true,
    dependencies: { 'better-sqlite3': '*' },
  }),
);
for (const dep of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
  const from = path.join(root, 'node_modules', dep);
  if (existsSync(from)) cpSync(from, path.join(work, 'node_modules', dep), { recursive: true });
}
const { rebuild } = await import('@electron/rebuild');
console.log(`electron-native: building better-sqlite3 for Electron ${electronVersion}`);
await rebuild({ buildPath: work, electronVersion, onlyModules: ['better-sqlite3'], force: true });
copyFileSync(
  path.join(work, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
  target,
);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
rmSync(work, { recursive: true, force: true });
console.log(`electron-native: ${path.relative(root, target)}`);

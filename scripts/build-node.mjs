// Builds what plain Node runs from a checkout: the `chatkeep` command line (bin/chatkeep.mjs
// loads out/cli). Runs on `npm ci` through the `prepare` script, so `npx chatkeep` works in a
// fresh clone.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'scripts/build-cli.mjs');
if (existsSync(cli)) await import(pathToFileURL(cli).href);

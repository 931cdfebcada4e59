/**
 * `npm run bench`: every benchmark, one after the other (they would fight over the 2 cores if
 * run together). Each prints its own markdown table of medians. Arguments after `--` are passed
 * to each, e.g. `npm run bench -- --messages 100000` for a quick run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let failed = false;
for (const bench of ['store.bench.ts', 'backup.bench.ts', 'export.bench.ts']) {
  console.log(`\n## ${bench}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, bench), ...args], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronToolingMinimumNode, unmetElectronTooling } from './electron-tooling-node.mjs';

/**
 * Which Node Chatkeep needs, said the same way in package.json and the README: the tests and the
 * command line run on Node 20.19+ (`engines`); `npm start` and `npm run dist` need what
 * Electron's own tooling declares (22.12+ today), checked before they run.
 */
const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('the supported Node versions', () => {
  it('engines and the README agree on the floor for tests and the command line', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    expect(readme).toContain('**Node 20.19 or newer** builds Chatkeep, runs `npm test`');
  });

  it("the README names the Node Electron's tooling declares, and start and dist check it", () => {
    const minimum = electronToolingMinimumNode();
    const [major, minor] = minimum.split('.');
    expect(readme).toContain(`**Node ${major}.${minor} or newer** for \`npm start\``);
    for (const script of ['start', 'dist']) {
      expect(pkg.scripts[script]).toMatch(/^node scripts\/check-electron-node\.mjs && /);
    }
    expect(unmetElectronTooling(`v${minimum}`)).toEqual([]);
    expect(unmetElectronTooling('v20.19.0').map((t) => t.name)).toEqual([
      'electron',
      '@electron/rebuild',
    ]);
  });
});

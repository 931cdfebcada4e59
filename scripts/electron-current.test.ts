import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronSupportProblems, type PinnedMajors } from './electron-support';

/**
 * The renderer decodes images, audio and video anyone can send, so an Electron out of support
 * (no Chromium security fixes) is a hole reachable from outside. This fails when the project's
 * Electron is older than the three newest stable majors, read from the lockfile and from a
 * list pinned by scripts/refresh-electron-majors.mjs (no network while testing), and when that
 * list is too old to say.
 */
const root = path.resolve(import.meta.dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as never;

const pkg: { devDependencies: Record<string, string> } = json('package.json');
const lock: { packages: Record<string, { version: string }> } = json('package-lock.json');
const pinned: PinnedMajors = json('scripts/electron-majors.json');

describe('the Electron this project builds with', () => {
  it('is one of the three newest stable majors', () => {
    expect(
      electronSupportProblems({
        declaredRange: pkg.devDependencies.electron!,
        lockedVersion: lock.packages['node_modules/electron']!.version,
        pinned,
        today: new Date(),
      }),
    ).toEqual([]);
  });

  it('would fail with Electron 38, with a range reaching below support, or a stale list', () => {
    const base = {
      declaredRange: '^45.5.0',
      lockedVersion: '45.5.0',
      pinned: { checkedAt: '2026-11-29', newestStableMajors: [45, 44, 43], newestStable: {} },
      today: new Date('2026-12-01'),
    };
    expect(electronSupportProblems(base)).toEqual([]);
    expect(
      electronSupportProblems({ ...base, declaredRange: '^38.8.6', lockedVersion: '38.8.6' }),
    ).toEqual([
      expect.stringMatching(/resolves electron 38\.8\.6, older than the three newest majors/),
      expect.stringMatching(/allows electron "\^38\.8\.6"/),
    ]);
    expect(electronSupportProblems({ ...base, declaredRange: '>=42' })).toEqual([
      expect.stringMatching(/reaches below Electron 43/),
    ]);
    expect(electronSupportProblems({ ...base, today: new Date('2027-03-01') })).toEqual([
      expect.stringMatching(/more than 84 days ago: run "npm run electron:majors"/),
    ]);
  });
});

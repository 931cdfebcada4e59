import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectLicenses, licenseOf } from './licenses.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the licences list (Settings › Licences)', () => {
  const list = collectLicenses(root);
  const listed = new Map(list.map((l) => [`${l.name}@${l.version}`, l]));

  it('names every production package npm says is installed, each with a licence', () => {
    // npm's own view of the production tree, independent of how licenses.mjs reads the lock.
    const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: root,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter((p) => path.resolve(p) !== root);
    expect(paths.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const dir of paths) {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      const entry = listed.get(`${pkg.name}@${pkg.version}`);
      if (!entry) missing.push(`${pkg.name}@${pkg.version}`);
      else expect(entry.license, `${pkg.name}'s licence`).not.toBe('UNKNOWN');
    }
    expect(missing).toEqual([]);
  });

  it('holds every direct dependency and no development tool', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const names = new Set(list.map((l) => l.name));
    for (const dep of Object.keys(manifest.dependencies)) expect(names).toContain(dep);
    for (const tool of ['vitest', 'typescript', 'eslint', '@playwright/test']) {
      expect(names).not.toContain(tool);
    }
  });

  it('reads the old licence forms', () => {
    expect(licenseOf({ license: 'MIT' })).toBe('MIT');
    expect(licenseOf({ licenses: [{ type: 'MIT', url: 'x' }] })).toBe('MIT');
    expect(licenseOf({ license: { type: 'BSD-3-Clause' } })).toBe('BSD-3-Clause');
    expect(licenseOf({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe(
      '(MIT OR Apache-2.0)',
    );
    expect(licenseOf({})).toBe('UNKNOWN');
  });
});

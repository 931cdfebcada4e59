import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * This folder runs in plain Node (tests, CLI, the main process through thin adapters): it must
 * not import Electron or the app shell. eslint.config.js does not list src/app-backup among the
 * Node cores yet, so the rule is checked here too.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('src/app-backup boundaries', () => {
  const files = sources(HERE);

  it('finds its own sources', () => {
    expect(files.length).toBeGreaterThan(8);
  });

  it('never imports electron, the main process, the preload or the renderer', () => {
    const offending: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2] ?? '';
        if (
          spec === 'electron' ||
          spec.startsWith('electron/') ||
          /(^|\/)(main|preload|renderer)(\/|$)/.test(spec)
        ) {
          offending.push(`${path.relative(HERE, file)}: ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every source folder is described where a new reader looks first. */

const root = path.resolve(import.meta.dirname, '..');
const folders = fs
  .readdirSync(path.join(root, 'src'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `src/${d.name}`);

describe('docs name every src folder', () => {
  it('the README Layout block', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('## Layout'));
    const named = folders.filter((f) => new RegExp(`^${f}\\s`, 'm').test(layout));
    expect(named).toEqual(folders);
  });

  it('docs/architecture.md', () => {
    const doc = fs.readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');
    expect(folders.filter((f) => !doc.includes(`\`${f}\``))).toEqual([]);
  });
});

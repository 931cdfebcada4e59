import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docs/security.md must stay true line by line: every "`code` at `file:line`" names a line that
 * still holds that code, every "`file` › *test*" names a test file that still has that test,
 * and each of the twenty checklist items names at least one test.
 */
const root = path.resolve(import.meta.dirname, '..');
const doc = readFileSync(path.join(root, 'docs/security.md'), 'utf8');

const codeRefs = [...doc.matchAll(/`([^`]+)` at `([^`:\s]+):(\d+)`/g)].map((m) => ({
  code: m[1]!,
  file: m[2]!,
  line: Number(m[3]),
}));
/** A test file, then one or more titles (each `› *title*`, titles may be shortened). */
const testRefs = [
  ...doc.matchAll(/`([^`\s]+\.(?:test|spec)\.tsx?)`((?:\s*(?:›|and ›)\s*\*[^*]+\*)+)/g),
].flatMap((m) =>
  [...m[2]!.matchAll(/\*([^*]+)\*/g)].map((t) => ({ file: m[1]!, title: t[1]!.trim() })),
);

describe('docs/security.md', () => {
  it('points at lines that still hold the code it names', () => {
    expect(codeRefs.length).toBeGreaterThan(20);
    for (const ref of codeRefs) {
      const lines = readFileSync(path.join(root, ref.file), 'utf8').split('\n');
      expect(lines[ref.line - 1] ?? '', `${ref.file}:${ref.line}`).toContain(ref.code);
    }
  });

  it('names tests that exist', () => {
    expect(testRefs.length).toBeGreaterThan(20);
    for (const ref of testRefs) {
      const file = path.join(root, ref.file);
      expect(existsSync(file), ref.file).toBe(true);
      // Titles may span lines in the doc and be shortened: match on the words.
      const words = ref.title.replace(/\s+/g, ' ').replace(/…$/, '');
      const source = readFileSync(file, 'utf8').replace(/\s+/g, ' ');
      expect(source, `${ref.file} › ${words}`).toContain(words);
    }
  });

  it('proves each of the twenty checklist items with a test', () => {
    const rows = doc.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    expect(rows.map((row) => Number(/^\| (\d+) \|/.exec(row)![1]))).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    for (const row of rows) {
      expect(row, row.slice(0, 60)).toMatch(/`[^`\s]+\.(test|spec)\.tsx?` ›/);
      expect(row).toMatch(/\| Done \|/);
    }
  });
});

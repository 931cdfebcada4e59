import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInside } from './safe-path';

const root = path.resolve('/srv/app');

describe('resolveInside', () => {
  it('resolves files under the root', () => {
    expect(resolveInside(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, 'assets/a%20b.js')).toBe(path.join(root, 'assets', 'a b.js'));
  });

  it.each([
    '/../etc/passwd',
    '..%2f..%2fetc%2fpasswd',
    '%2e%2e/%2e%2e/etc/passwd',
    '/assets/../../secret',
    '..\\..\\windows\\win.ini',
    '/',
    '',
    'a%00b',
    '%E0%A4%A',
  ])('refuses %s', (p) => {
    expect(resolveInside(root, p)).toBeNull();
  });
});

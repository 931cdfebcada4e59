import { describe, expect, it } from 'vitest';
import { safeExternalUrl } from './external-url';

describe('safeExternalUrl', () => {
  it('accepts http and https links', () => {
    expect(safeExternalUrl('https://example.org/a?b=1')).toBe('https://example.org/a?b=1');
    expect(safeExternalUrl('http://example.org')).toBe('http://example.org/');
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://host/share',
    'chatkeep-media://media/abc',
    'https://user:pass@example.org/',
    'not a url',
    '',
  ])('refuses %s', (raw) => {
    expect(safeExternalUrl(raw)).toBeNull();
  });
});

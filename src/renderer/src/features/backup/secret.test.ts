import { describe, expect, it } from 'vitest';
import { toSecret } from './secret';

describe('toSecret', () => {
  it('sends passwords as typed, spaces included', () => {
    expect(toSecret({ kind: 'password', text: ' a b ' })).toEqual({ password: ' a b ' });
    expect(toSecret({ kind: 'password', text: '' })).toBeNull();
  });

  it('sends keys in the canonical dashed form, and nothing for half a key', () => {
    const key = 'AAAA BBBB cccc dddd 0000 1111 2222 3333 4444 5555 6666 7777 8888 9999 aaaa bbbb';
    expect(toSecret({ kind: 'recoveryKey', text: key })).toEqual({
      recoveryKey:
        'aaaa-bbbb-cccc-dddd-0000-1111-2222-3333-4444-5555-6666-7777-8888-9999-aaaa-bbbb',
    });
    expect(toSecret({ kind: 'recoveryKey', text: key.slice(0, 30) })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import {
  confirmsGroup,
  isRecoveryKey,
  keyGroups,
  normalizeRecoveryKey,
  pickGroupToConfirm,
  RecoveryKeyFormatError,
  recoveryKeyFileText,
} from './recovery-key';

const KEY = '0123-4567-89ab-cdef-0011-2233-4455-6677-8899-aabb-ccdd-eeff-1234-5678-9abc-def0';

describe('recovery key', () => {
  it('splits a key into 16 groups of four, whatever separators were typed', () => {
    expect(keyGroups(KEY)).toHaveLength(16);
    expect(keyGroups(KEY)[6]).toBe('4455');
    const typed = KEY.replace(/-/g, ' ').toUpperCase().replace('0011 ', '0011\n');
    expect(normalizeRecoveryKey(typed)).toBe(KEY);
  });

  it('refuses keys of the wrong length or with other letters, saying which', () => {
    expect(() => keyGroups(KEY.slice(0, -1))).toThrow(RecoveryKeyFormatError);
    expect(() => keyGroups(KEY.slice(0, -1))).toThrow(/this has 63/);
    expect(() => keyGroups(KEY.replace('a', 'g'))).toThrow(/0-9 and the letters a-f/);
    expect(isRecoveryKey('')).toBe(false);
    expect(isRecoveryKey(KEY)).toBe(true);
    try {
      keyGroups('12');
    } catch (e) {
      expect((e as RecoveryKeyFormatError).code).toBe('RECOVERY_KEY_FORMAT');
    }
  });

  it('confirms a group only with that group, case and spaces aside', () => {
    expect(confirmsGroup(KEY, 1, '0123')).toBe(true);
    expect(confirmsGroup(KEY, 4, ' CDEF ')).toBe(true);
    expect(confirmsGroup(KEY, 4, '0123')).toBe(false);
    expect(confirmsGroup(KEY, 17, '')).toBe(false);
  });

  it('asks for every group from 1 to 16 and nothing else', () => {
    expect(pickGroupToConfirm(() => 0)).toBe(1);
    expect(pickGroupToConfirm(() => 0.999999)).toBe(16);
    const seen = new Set<number>();
    for (let i = 0; i < 16; i++) seen.add(pickGroupToConfirm(() => i / 16));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('writes a key file that holds the key in groups and says what it is', () => {
    const text = recoveryKeyFileText(KEY, new Date(Date.UTC(2026, 10, 27)));
    expect(text).toContain('0123 4567 89ab cdef');
    expect(text).toContain('Created 2026-11-27');
    // The key can be read back from the file as typed.
    const keyLines = text.split('\n').slice(2, 6).join(' ');
    expect(normalizeRecoveryKey(keyLines)).toBe(KEY);
  });
});

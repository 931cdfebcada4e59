import { describe, expect, it } from 'vitest';
import { FileGrants, GRANT_LIFETIME_MS } from './grants';

describe('file grants', () => {
  it('serve the purpose they were given for, and no other', () => {
    const grants = new FileGrants();
    const picked = grants.grant('/home/me/Backups', 'backup-destination');
    expect(grants.use(picked.grantId, 'backup-destination')).toEqual({
      path: '/home/me/Backups',
      purpose: 'backup-destination',
      origin: 'picked',
    });
    expect(() => grants.use(picked.grantId, 'import')).toThrow(
      expect.objectContaining({ code: 'GRANT_WRONG_PURPOSE' }),
    );
    expect(() => grants.resolve(picked.grantId, 'restore-source')).toThrow(
      expect.objectContaining({ code: 'GRANT_WRONG_PURPOSE' }),
    );
    // A refusal for the wrong purpose does not spend the grant.
    expect(grants.resolve(picked.grantId, 'backup-destination')).toBe('/home/me/Backups');
  });

  it('expire, and an expired grant is gone for good', () => {
    let now = 1_000_000;
    const grants = new FileGrants(() => now);
    const dropped = grants.grant('/home/me/chat.zip', 'import', 'dropped');
    now += GRANT_LIFETIME_MS - 1;
    expect(grants.use(dropped.grantId, 'import').origin).toBe('dropped');
    now += 1;
    expect(() => grants.use(dropped.grantId, 'import')).toThrow(
      expect.objectContaining({ code: 'GRANT_NOT_FOUND' }),
    );
    now -= 10;
    expect(() => grants.use(dropped.grantId, 'import')).toThrow(
      expect.objectContaining({ code: 'GRANT_NOT_FOUND' }),
    );
  });

  it('refuse ids they never gave', () => {
    expect(() => new FileGrants().resolve('AAAAAAAAAAAAAAAAAAAAAA', 'import')).toThrow(
      expect.objectContaining({ code: 'GRANT_NOT_FOUND' }),
    );
  });
});

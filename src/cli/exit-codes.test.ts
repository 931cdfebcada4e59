import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupErrorCode } from '../backup/errors.js';
import * as importErrors from '../importers/core/errors.js';
import { IMPORT_ERROR_CODES, ImportError } from '../importers/core/errors.js';
import { EXPORT_ERROR_CODES } from '../export/errors.js';
import { STORE_ERROR_CODES } from '../store/errors.js';
import { EXIT, EXIT_CODE_HELP, exitCodeFor, hasExitCode } from './exit-codes.js';
import { ROOT } from './test-helpers.js';

/** Listed by hand because the type has no runtime list; `satisfies` keeps it complete. */
const BACKUP_CODES = {
  WRONG_SECRET: true,
  REPO_DAMAGED: true,
  REPO_NOT_FOUND: true,
  REPO_EXISTS: true,
  REPO_TOO_NEW: true,
  ROLLBACK_DETECTED: true,
  REPO_LOCKED: true,
  LAST_KEY_SLOT: true,
  KEY_SLOT_NOT_FOUND: true,
  SNAPSHOT_NOT_FOUND: true,
  WEAK_KDF: true,
  INVALID_ARGUMENT: true,
  CANCELLED: true,
  STORAGE: true,
  OBJECT_NOT_FOUND: true,
  NOT_DOWNLOADED: true,
  NOT_SYNCED: true,
  FOLDER_IN_USE: true,
  NOT_MAINTENANCE_OWNER: true,
  SECRET_KIND_MISSING: true,
  NOT_ARRIVED: true,
  NO_KEY_FILES: true,
  INVALID_LOCATION: true,
  BACKEND_AUTH: true,
  BACKEND_NOT_FOUND: true,
  BACKEND_ERROR: true,
  BACKEND_UNAVAILABLE: true,
  OFFLINE: true,
  HOST_KEY_UNKNOWN: true,
  HOST_KEY_CHANGED: true,
  KEYS_CHANGED: true,
} satisfies Record<BackupErrorCode, true>;

describe('exit codes', () => {
  it('every error code of the importers, the store, the backup engine, the export and the CLI has its own entry', () => {
    const codes = [
      ...IMPORT_ERROR_CODES,
      ...STORE_ERROR_CODES,
      ...Object.keys(BACKUP_CODES),
      ...EXPORT_ERROR_CODES,
    ];
    expect(codes.filter((c) => !hasExitCode(c))).toEqual([]);
  });

  it('so does every `code` an error class declares in the modules the command line runs', () => {
    const files = [
      'src/cli/errors.ts',
      'src/cli/commands/import.ts',
      'src/importers/core/errors.ts',
      'src/store/errors.ts',
      'src/backup/errors.ts',
      'src/backup/worker/protocol.ts',
    ];
    const declared = files.flatMap((f) =>
      [
        ...fs
          .readFileSync(path.join(ROOT, f), 'utf8')
          .matchAll(/readonly code(?:: string)? = '([A-Z_]+)'/g),
      ].map((m) => m[1] ?? ''),
    );
    expect(declared.length).toBeGreaterThan(30);
    expect(declared.filter((c) => !hasExitCode(c))).toEqual([]);
  });

  it('IMPORT_ERROR_CODES names every importer error class there is', () => {
    const found = new Set<string>();
    for (const value of Object.values(importErrors)) {
      if (typeof value !== 'function' || !(value.prototype instanceof ImportError)) continue;
      const Ctor = value as unknown as new (...args: unknown[]) => ImportError;
      found.add(new Ctor('x', [], null).code);
    }
    expect([...found].sort()).toEqual([...IMPORT_ERROR_CODES].sort());
  });

  it('maps a damaged or cut phone backup to 4 and an unsupported one to 2, with no stack-trace hint', () => {
    expect(exitCodeFor(new importErrors.TruncatedFileError('cut'))).toBe(EXIT.DAMAGED);
    expect(exitCodeFor(new importErrors.DamagedFileError('bad'))).toBe(EXIT.DAMAGED);
    expect(exitCodeFor(new importErrors.UnsupportedVersionError('new'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new importErrors.InvalidOptionError('zone'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new importErrors.EmptyFileError('empty'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new importErrors.WrongPassphraseError())).toBe(EXIT.WRONG_SECRET);
    // Only exit 1 prints the stack-trace hint (src/cli/run.ts).
    expect(exitCodeFor(new Error('no code'))).toBe(EXIT.ERROR);
  });

  it('docs/cli.md shows the same exit codes as --help', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'cli.md'), 'utf8');
    const helpCodes = [...EXIT_CODE_HELP.matchAll(/^ {2}(\d+) /gm)].map((m) => m[1]);
    const docCodes = [...doc.matchAll(/^\| (\d+) \|/gm)].map((m) => m[1]);
    expect(docCodes).toEqual(helpCodes);
    expect(helpCodes).toEqual(Object.values(EXIT).map(String));
  });
});

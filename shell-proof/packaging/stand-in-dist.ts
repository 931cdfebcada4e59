import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The fuse wire's marker in Electron binaries, followed by its version, length and states. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron's own default fuse states, in wire order (RunAsNode, EnableCookieEncryption,
 * EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments,
 * EnableEmbeddedAsarIntegrityValidation, OnlyLoadAppFromAsar,
 * LoadBrowserProcessSpecificV8Snapshot, GrantFileProtocolExtraPrivileges): '1' on, '0' off.
 */
export const ELECTRON_DEFAULT_FUSES = '10110001';

/**
 * A stand-in for an unpacked Electron distribution (what electron-builder's `electronDist`
 * points at) for this platform: an `electron` executable that only says it is a stand-in but
 * carries a fuse wire, so electron-builder's fuse step has real bytes to flip and the test can
 * read them back; a locale pack; the version file. electron-builder copies it, renames the
 * executable and adds resources/app.asar.
 */
export function writeStandInElectronDist(dir: string, electronVersion: string): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  const executable = path.join(dir, 'electron');
  writeFileSync(
    executable,
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho "stand-in Electron: there is no browser here" >&2\nexit 1\n# '),
      Buffer.from(FUSE_SENTINEL),
      Buffer.from([1, ELECTRON_DEFAULT_FUSES.length]),
      Buffer.from(ELECTRON_DEFAULT_FUSES),
      Buffer.from('\n'),
    ]),
  );
  chmodSync(executable, 0o755);
  writeFileSync(path.join(dir, 'locales', 'en-US.pak'), 'stand-in');
  writeFileSync(path.join(dir, 'version'), electronVersion);
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Whether each native module will load in the Electron the app ships. A Node-API (N-API) module
 * is ABI-stable: the same binary loads in Node and in any Electron. A module built on V8's C++
 * API is tied to one ABI and must be compiled for Electron's (scripts/electron-native.mjs for
 * `npm start`, electron-builder's npmRebuild for installers). Read from the binaries themselves:
 * an N-API module exports napi_register_module_v1; a V8 one node_register_module_v<ABI>.
 * docs/security.md (item 16) says the same in words.
 */
const root = path.resolve(import.meta.dirname, '..');

function binaries(moduleName: string): string[] {
  const dir = path.join(root, 'node_modules', moduleName);
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.node') && !f.includes('obj.target') && !f.includes('test_'))
    .filter((f) => !f.includes('prebuilds') || f.includes(`${process.platform}-${process.arch}`))
    .map((f) => path.join(dir, f));
}

function abiOf(file: string): 'n-api' | `v8-${number}` {
  const bytes = readFileSync(file);
  if (bytes.includes('napi_register_module_v1') && !bytes.includes('node_register_module_v')) {
    return 'n-api';
  }
  const v8 = /node_register_module_v(\d+)/.exec(bytes.toString('latin1'));
  if (!v8) throw new Error(`${file}: neither an N-API nor a V8 module`);
  return `v8-${Number(v8[1])}`;
}

const electronAbi = Number(
  readFileSync(path.join(root, 'node_modules/electron/abi_version'), 'utf8'),
);

describe('native modules and the Electron ABI', () => {
  it.each(['keytar', 'sodium-native', 'zstd-napi'])(
    '%s is N-API: one binary loads in Node and in Electron alike',
    (name) => {
      const files = binaries(name);
      expect(files.length, name).toBeGreaterThan(0);
      for (const file of files) expect(abiOf(file), file).toBe('n-api');
      // And asks for an N-API version every supported Electron has (Node 18+ has 8).
      const pkg = JSON.parse(
        readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { binary?: { napi_versions?: number[] } };
      for (const version of pkg.binary?.napi_versions ?? []) expect(version).toBeLessThanOrEqual(8);
    },
  );

  it('better-sqlite3 is built for one V8 ABI, so it is rebuilt for Electron', () => {
    const [file] = binaries('better-sqlite3');
    const abi = abiOf(file!);
    expect(abi).toMatch(/^v8-\d+$/);
    // The Node build (tests, CLI) cannot load in Electron: its ABI is another.
    expect(abi).not.toBe(`v8-${electronAbi}`);
    expect(electronAbi).toBe(150);
    // Both ways the app runs rebuild it for Electron's ABI.
    expect(readFileSync(path.join(root, 'scripts/electron-native.mjs'), 'utf8')).toContain(
      "onlyModules: ['better-sqlite3']",
    );
    expect(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')).toMatch(
      /^npmRebuild: true$/m,
    );
  });

  it('docs/security.md names each native module and how it reaches Electron', () => {
    const doc = readFileSync(path.join(root, 'docs/security.md'), 'utf8');
    for (const name of ['better-sqlite3', 'keytar', 'sodium-native', 'zstd-napi']) {
      expect(doc, name).toMatch(new RegExp(`\\| \`${name}\``));
    }
    expect(doc).toContain(`ABI ${electronAbi}`);
  });
});

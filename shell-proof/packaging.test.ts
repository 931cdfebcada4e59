import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { extractAll, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderExport, sampleChat } from '../src/importers/fixtures/whatsapp-export';
import { asarUnpackedPath } from '../src/node/worker-entry';
import { bootMain } from './boot/boot-client';
import type { BootState } from './boot/protocol';
import { assertBuilt, built, repoRoot } from './built';
import { writeStandInElectronDist } from './packaging/stand-in-dist';

/**
 * The packaged app, assembled by electron-builder exactly as `npm run dist` would on Linux, but
 * `--dir` only and around a stand-in Electron distribution (`electronDist`), with the native
 * modules left as they are built for Node (`npmRebuild: false`, for this check only: a real
 * package rebuilds them for Electron's ABI). Then: what is inside the asar, what is unpacked,
 * that nothing of the sources or tests ships, that each worker and native module loads from
 * its unpacked path in plain Node (no asar support, as in a worker thread), and that the
 * packaged main bundle finds its workers there.
 */

const WORKERS = ['store', 'backup', 'media', 'import', 'export'] as const;
/** A fuse's state byte: ASCII '1' or '0'. */
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);
const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

// electron-builder assembles an app for the machine it runs on, and the stand-in distribution
// mimics Linux's layout (a macOS app bundle or a Windows .exe would need their own): CI and the
// build machine are Linux. Elsewhere these tests are skipped, and say why in the output.
describe.skipIf(process.platform !== 'linux')('the packaged app (electron-builder --dir)', () => {
  let resources: string;
  let asar: string;
  let files: string[];

  beforeAll(async () => {
    assertBuilt();
    const root = tempDir('ck-pack-');
    const electronVersion = (
      JSON.parse(
        fs.readFileSync(path.join(repoRoot, 'node_modules/electron/package.json'), 'utf8'),
      ) as { version: string }
    ).version;
    writeStandInElectronDist(path.join(root, 'electron-dist'), electronVersion);
    const arch = process.arch === 'arm64' ? Arch.arm64 : Arch.x64;
    await build({
      projectDir: repoRoot,
      targets: Platform.LINUX.createTarget('dir', arch),
      // Merged over electron-builder.yml: only where the output goes and what it is built around.
      config: {
        electronDist: path.join(root, 'electron-dist'),
        npmRebuild: false,
        directories: { output: path.join(root, 'dist') },
      },
    });
    const unpackedDir = fs
      .readdirSync(path.join(root, 'dist'))
      .find((d) => d.endsWith('-unpacked'));
    resources = path.join(root, 'dist', unpackedDir!, 'resources');
    asar = path.join(resources, 'app.asar');
    files = listPackage(asar, { isPack: false }).map((f) => f.replace(/^[\\/]/, ''));
  });

  it('holds the built app and what its main process imports', () => {
    for (const file of [
      'package.json',
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      ...WORKERS.map((w) => `out/main/${w}.worker.js`),
    ]) {
      expect(files, file).toContain(file);
    }
    const assets = fs.readdirSync(path.join(built.renderer, 'assets'));
    for (const asset of assets) expect(files).toContain(`out/renderer/assets/${asset}`);
    // Every package the main bundle imports is in the archive's node_modules.
    const imports = [
      ...fs
        .readFileSync(built.main, 'utf8')
        .matchAll(/from "([^".][^"]*)"|import\("([^".][^"]*)"\)/g),
    ]
      .map((m) => (m[1] ?? m[2])!)
      .filter((name) => !name.startsWith('node:') && name !== 'electron')
      .map((name) =>
        name
          .split('/')
          .slice(0, name.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    expect(imports.length).toBeGreaterThan(0);
    for (const name of new Set(imports)) {
      expect(files, name).toContain(`node_modules/${name}/package.json`);
    }
  });

  it('ships no sources, tests, maps, CLI, benchmarks or e2e bridge', () => {
    const leaks = files.filter(
      (f) =>
        /^(src|e2e|bench|scripts|shell-proof|test-results|docs)(\/|$)/.test(f) ||
        f.startsWith('out/cli') ||
        /\.map$/.test(f) ||
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) ||
        /(^|\/)(__tests__|tests?)\//.test(f) ||
        (/\.[cm]?tsx?$/.test(f) && !/\.d\.[cm]?ts$/.test(f)),
    );
    expect(leaks).toEqual([]);
    expect(files.filter((f) => f.startsWith('out/'))).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/bridge/)]),
    );
  });

  it('unpacks the worker bundles and the native modules, and nothing else of the app', () => {
    for (const worker of WORKERS) {
      const file = `out/main/${worker}.worker.js`;
      expect(statFile(asar, file), file).toMatchObject({ unpacked: true });
      expect(fs.existsSync(path.join(`${asar}.unpacked`, file)), file).toBe(true);
    }
    for (const file of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(statFile(asar, file), file).not.toMatchObject({ unpacked: true });
    }
    const natives = (fs.readdirSync(`${asar}.unpacked`, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.node'),
    );
    for (const expected of [
      'better-sqlite3/build/Release/better_sqlite3.node',
      'keytar/build/Release/keytar.node',
      `sodium-native/prebuilds/linux-${process.arch}/sodium-native.node`,
      'zstd-napi/build/Release/binding.node',
    ]) {
      expect(natives).toContain(path.join('node_modules', expected));
    }
  });

  it('each worker and native module loads from its unpacked path in plain Node', async () => {
    const work = tempDir('ck-pack-load-');
    const chatFile = path.join(work, 'WhatsApp Chat with Ana.txt');
    fs.writeFileSync(chatFile, renderExport('android-gb-24h', sampleChat()));
    fs.mkdirSync(path.join(work, 'empty'));
    // The path main computes for a worker inside the archive (src/node/worker-entry.ts).
    const workers = Object.fromEntries(
      WORKERS.map((w) => [w, asarUnpackedPath(path.join(asar, 'out/main', `${w}.worker.js`))]),
    );
    for (const file of Object.values(workers)) expect(file).toContain('app.asar.unpacked');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(repoRoot, 'shell-proof/packaging/load-unpacked.mjs'),
        JSON.stringify({
          workers,
          storeDir: path.join(work, 'store'),
          emptyDir: path.join(work, 'empty'),
          chatFile,
        }),
      ],
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 },
    );
    const report = JSON.parse(stdout) as {
      workers: Record<string, { ok: boolean; message?: Record<string, unknown>; error?: string }>;
      natives: Record<string, { resolved?: string; works?: boolean; error?: string }>;
    };
    expect(report.workers.store, JSON.stringify(report.workers.store)).toMatchObject({
      ok: true,
      message: { type: 'ready' },
    });
    expect(report.workers.backup, JSON.stringify(report.workers.backup)).toMatchObject({
      ok: true,
      message: { type: 'result', value: null },
    });
    expect(report.workers.media, JSON.stringify(report.workers.media)).toMatchObject({
      ok: true,
      message: { type: 'error', error: { message: 'media worker used before init' } },
    });
    expect(report.workers.import, JSON.stringify(report.workers.import)).toMatchObject({
      ok: true,
      message: { type: 'result', value: { detection: { format: 'whatsapp-export' } } },
    });
    // Estimates an export of the store the store worker made (empty): it opens it read-only.
    expect(report.workers.export, JSON.stringify(report.workers.export)).toMatchObject({
      ok: true,
      message: { type: 'result', value: { messages: 0, mediaFiles: 0 } },
    });
    for (const [name, result] of Object.entries(report.natives)) {
      expect(result, name).toMatchObject({ works: true });
      expect(result.resolved, name).toContain(`${path.sep}app.asar.unpacked${path.sep}`);
    }
  });

  it('the packaged main bundle starts its workers from app.asar.unpacked', async () => {
    // Plain Node cannot read an asar archive, so it is extracted to a folder named like it,
    // beside the real app.asar.unpacked: main then runs from resources/app.asar/out/main.
    const copy = path.join(tempDir('ck-pack-boot-'), 'resources');
    extractAll(asar, path.join(copy, 'app.asar'));
    fs.symlinkSync(`${asar}.unpacked`, path.join(copy, 'app.asar.unpacked'));
    const main = await bootMain({
      dataDir: tempDir('ck-pack-data-'),
      packaged: true,
      mainBundle: path.join(copy, 'app.asar/out/main/index.js'),
    });
    try {
      await main.call({ op: 'ready' });
      const state = await main.call<BootState>({ op: 'state' });
      expect(state.errors).toEqual([]);
      expect(state.windows[0]!.options.webPreferences?.preload).toBe(
        path.join(copy, 'app.asar/out/preload/index.cjs'),
      );
      expect(state.workerFiles).toEqual([
        path.join(copy, 'app.asar.unpacked/out/main/store.worker.js'),
      ]);
      await main.call({ op: 'quit' });
    } finally {
      main.kill();
    }
  });

  it('sets the fuses electron-builder.yml asks for on the executable', async () => {
    const executable = path.join(path.dirname(resources), 'chatkeep');
    const wire = await getCurrentFuseWire(executable);
    expect({
      runAsNode: wire[FuseV1Options.RunAsNode],
      cookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      inspectArguments: wire[FuseV1Options.EnableNodeCliInspectArguments],
      asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      onlyLoadAppFromAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      fileProtocolExtraPrivileges: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      runAsNode: OFF,
      cookieEncryption: ON,
      nodeOptions: OFF,
      inspectArguments: OFF,
      asarIntegrity: ON,
      onlyLoadAppFromAsar: ON,
      fileProtocolExtraPrivileges: OFF,
    });
  });
});

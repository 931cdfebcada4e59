import {
  _electron,
  chromium,
  type Browser,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBridge, type Bridge } from './bridge/server';

/**
 * Starts the app for a spec, in one of two modes with the same `page` for the spec to drive:
 * - "electron": the real app through Playwright's _electron.launch, wherever an Electron
 *   binary is installed;
 * - "bridge": the built renderer in Debian's Chromium against the real main-process services
 *   behind the loopback test bridge (e2e/bridge), where no Electron binary can be had.
 * CHATKEEP_E2E_MODE=electron|bridge forces one.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export type Mode = 'electron' | 'bridge';

/**
 * The Electron binary, if one is installed. Only looks: since Electron 45, `require('electron')`
 * downloads a missing binary, which must not happen in the middle of a test run.
 */
export function electronBinary(): string | null {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(dist, readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

export function chooseMode(): Mode {
  const forced = process.env.CHATKEEP_E2E_MODE;
  if (forced === 'electron' || forced === 'bridge') return forced;
  return electronBinary() ? 'electron' : 'bridge';
}

export interface RunningApp {
  mode: Mode;
  page: Page;
  dataDir: string;
  /** Present in bridge mode: the bridge, for specs that send raw requests. */
  bridge: Bridge | null;
  /**
   * The path the next file or folder picker will return, as if the person chose it in the OS
   * dialog (`null`: they cancelled). Works in both modes.
   */
  queuePick(path: string | null): Promise<void>;
  /** Texts the app saved through a save dialog (a recovery key file), newest last. */
  savedTexts(): Promise<string[]>;
  /** What main put on the system clipboard (a recovery key the person copied), newest last. */
  clipboard(): Promise<string[]>;
  close(): Promise<void>;
}

export function makeDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ck-e2e-'));
}

export interface LaunchOptions {
  dataDir?: string;
  /**
   * A test clock for the services' date-driven features (the password reminder). Bridge mode
   * only: the real app reads the OS clock; specs that need it skip in Electron mode.
   */
  now?: () => number;
}

export async function launchApp(options: LaunchOptions = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? makeDataDir();
  const mode = chooseMode();
  if (mode === 'electron') {
    const app: ElectronApplication = await _electron.launch({
      executablePath: electronBinary() ?? undefined,
      args: [path.join(repoRoot, 'out/main/index.js')],
      env: { ...process.env, CHATKEEP_DATA_DIR: dataDir } as Record<string, string>,
    });
    const page = await app.firstWindow();
    // Main asks the person before a link leaves the app (or a found folder is used): say yes,
    // as the bridge's stand-in does.
    await app.evaluate(({ dialog }) => {
      dialog.showMessageBox = (async () => ({
        response: 0,
        checkboxChecked: false,
      })) as unknown as typeof dialog.showMessageBox;
    });
    return {
      mode,
      page,
      dataDir,
      bridge: null,
      // Replace the next native dialog with the given answer, inside the real main process.
      queuePick: async (picked) => {
        await app.evaluate(({ dialog }, value) => {
          dialog.showOpenDialog = (async () => ({
            canceled: value === null,
            filePaths: value === null ? [] : [value],
          })) as unknown as typeof dialog.showOpenDialog;
        }, picked);
      },
      savedTexts: async () => [],
      clipboard: async () => [await app.evaluate(({ clipboard }) => clipboard.readText())],
      close: async () => {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }

  const bridge = await startBridge({ dataDir, now: options.now });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  // The bridge serves nothing without its token; the browser holds it as an HttpOnly cookie.
  await context.addCookies([
    {
      ...bridge.cookie,
      url: bridge.origin,
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A CSP violation is a bug in the app, never noise: fail loudly.
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      errors.push(message.text());
    }
  });
  await page.goto(bridge.url);
  return {
    mode,
    page,
    dataDir,
    bridge,
    queuePick: async (picked) => {
      bridge.pickQueue.push(picked);
    },
    savedTexts: async () => bridge.savedTexts.slice(),
    clipboard: async () => bridge.clipboard.slice(),
    close: async () => {
      await browser.close();
      await bridge.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`The page reported errors:\n${errors.join('\n')}`);
    },
  };
}

export function screenshotPath(name: string): string {
  return path.join(repoRoot, 'test-results', 'screenshots', `${name}.png`);
}

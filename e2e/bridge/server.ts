import { build } from 'esbuild';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { detectSyncedFolders, validateDestination } from '../../src/app-backup/destinations';
import { createAppServices, type AppServices } from '../../src/services/app-services';
import { dispatch } from '../../src/services/dispatch';
import { resolveInside } from '../../src/services/safe-path';
import { CONTENT_SECURITY_POLICY } from '../../src/main/security';

/**
 * The loopback test bridge: the built renderer, served to a real Chromium, talking to the real
 * main-process services (the same createAppServices the Electron main uses) over HTTP on
 * 127.0.0.1 with a random port and a random token. It exists only for the e2e tests on machines
 * without an Electron binary; nothing in src/ imports it and it is not packaged.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const MAX_BODY = 1 << 20;

/** The cookie that carries the bridge's token; the browser context gets it before the page loads. */
export const BRIDGE_COOKIE = 'chatkeep_bridge';

export interface Bridge {
  /** Open this in a browser context holding `cookie`. */
  url: string;
  origin: string;
  token: string;
  /** The token as an HttpOnly, SameSite=Strict cookie: the page's scripts cannot read it. */
  cookie: { name: string; value: string };
  services: AppServices;
  /** URLs the app asked the OS to open (shell.openExternal in Electron). */
  openedUrls: string[];
  /** Links main asked the person about before opening (its own dialog in Electron). */
  confirmedUrls: string[];
  /** The person's answers to main's next questions (open this link? back up here?); yes when empty. */
  answerQueue: boolean[];
  /** Texts main put on the clipboard (a recovery key), newest last. */
  clipboard: string[];
  /** Answers for the next OS file/folder pickers, in order (null = the person cancelled). */
  pickQueue: (string | null)[];
  /** Texts saved through the save dialog (in Electron, written where the person chose). */
  savedTexts: string[];
  /** Files saved through the save dialog ("Save as…"): the suggested name and the source file. */
  savedFiles: { name: string; source: string }[];
  /** Paths the app asked the file manager to show ("Show in folder"). */
  revealedPaths: string[];
  /** The stand-in for the OS login item ("Start at login"). */
  loginItem: { enabled: boolean };
  close(): Promise<void>;
}

async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(here, 'client.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome120',
  });
  return result.outputFiles[0]!.text;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('Request too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token as sent in the header (scripts, tests) or the cookie (the page, EventSource). */
function presentedToken(req: IncomingMessage): string | null {
  const header = req.headers['x-chatkeep-token'];
  if (typeof header === 'string') return header;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === BRIDGE_COOKIE) return value.join('=');
  }
  return null;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Serve a file, honouring a single byte range so audio and video can seek as in Electron. */
function serveFile(req: IncomingMessage, res: ServerResponse, file: string, type?: string): void {
  const size = statSync(file).size;
  const headers: Record<string, string | number> = { 'accept-ranges': 'bytes' };
  if (type) headers['content-type'] = type;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && size > 0) {
    const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end || start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    res.writeHead(206, {
      ...headers,
      'content-range': `bytes ${start}-${end}/${size}`,
      'content-length': end - start + 1,
    });
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': size });
  createReadStream(file).pipe(res);
}

export async function startBridge(options: {
  dataDir: string;
  rendererDir?: string;
  /** A test clock for the services (the password reminder's due date); the OS clock if absent. */
  now?: () => number;
}): Promise<Bridge> {
  const rendererDir = options.rendererDir ?? path.join(repoRoot, 'out/renderer');
  const indexFile = path.join(rendererDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`No built renderer at ${rendererDir}: run "npm run build" first`);
  }
  const token = randomBytes(32).toString('hex');
  const clientScript = await bundleClient();
  const confirmedUrls: string[] = [];
  const answerQueue: boolean[] = [];
  const clipboard: string[] = [];
  const indexHtml = readFileSync(indexFile, 'utf8').replace(
    '<script',
    '<script src="/__bridge/client.js"></script>\n    <script',
  );
  const openedUrls: string[] = [];
  const pickQueue: (string | null)[] = [];
  const savedTexts: string[] = [];
  const savedFiles: { name: string; source: string }[] = [];
  const revealedPaths: string[] = [];
  const loginItem = { enabled: false };
  const version = (
    JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const services = await createAppServices({
    dataDir: options.dataDir,
    info: {
      name: 'Chatkeep',
      version,
      platform: process.platform,
      shell: 'bridge',
      mediaBaseUrl: '/media/',
    },
    platform: {
      openExternal: async (url) => {
        openedUrls.push(url);
      },
      confirmOpenExternal: async (url) => {
        confirmedUrls.push(url);
        return answerQueue.shift() ?? true;
      },
      confirmDestination: async () => answerQueue.shift() ?? true,
      confirmDeleteAllData: async () => answerQueue.shift() ?? true,
      copyText: (text) => {
        clipboard.push(text);
      },
      pickPath: async () => pickQueue.shift() ?? null,
      saveText: async (_name, text) => {
        savedTexts.push(text);
        return true;
      },
      saveFile: async (name, source) => {
        savedFiles.push({ name, source });
        return true;
      },
      revealPath: (target) => {
        revealedPaths.push(target);
      },
      getStartAtLogin: () => loginItem.enabled,
      setStartAtLogin: (enabled) => {
        loginItem.enabled = enabled;
      },
    },
    licensesFile: path.join(repoRoot, 'out/main/licenses.json'),
    folders: { detect: () => detectSyncedFolders(), validate: (dir) => validateDestination(dir) },
    // Specs press "Back up now"; timers firing mid-spec would make them flaky.
    schedule: false,
    now: options.now,
    logError: (where, error) => console.error(`[bridge] ${where} failed`, error),
  });

  const eventStreams = new Set<ServerResponse>();
  const unsubscribe = services.bus.subscribe((event, payload) => {
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const stream of eventStreams) stream.write(data);
  });

  let origin = '';
  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'Internal error', 'text/plain');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    // A page from any other origin (or DNS-rebound host) must not reach the services.
    if (req.headers.host !== new URL(origin).host) return send(res, 403, 'Forbidden', 'text/plain');
    if (req.headers.origin && req.headers.origin !== origin) {
      return send(res, 403, 'Forbidden', 'text/plain');
    }
    // Nothing at all without the token (the page, its scripts, media, events): in a header or
    // the cookie only, never in a URL, where it would end up in logs and the history.
    if (!tokenMatches(token, presentedToken(req))) return send(res, 403, 'Forbidden', 'text/plain');

    if (url.pathname === '/__bridge/invoke' && req.method === 'POST') {
      let message: { channel?: unknown; payload?: unknown };
      try {
        message = JSON.parse(await readBody(req)) as typeof message;
      } catch {
        const error = { code: 'INVALID_REQUEST', message: 'The request was not valid JSON.' };
        return send(res, 400, JSON.stringify({ ok: false, error }), 'application/json');
      }
      const reply = await dispatch(services.handlers, message.channel, message.payload, (c, e) =>
        console.error(`[bridge] handler ${c} failed`, e),
      );
      return send(res, 200, JSON.stringify(reply), 'application/json');
    }
    if (url.pathname === '/__bridge/events' && req.method === 'GET') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      eventStreams.add(res);
      req.on('close', () => eventStreams.delete(res));
      return;
    }
    if (req.method !== 'GET') return send(res, 405, 'Method not allowed', 'text/plain');
    if (url.pathname === '/__bridge/client.js') {
      return send(res, 200, clientScript, TYPES['.js']!);
    }
    if (url.pathname.startsWith('/media/')) {
      const file = services.resolveMedia(url.pathname.slice('/media/'.length));
      return file ? serveFile(req, res, file) : send(res, 404, 'Not found', 'text/plain');
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      // The header as Electron's app:// handler sends it (src/main/protocols.ts).
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      return send(res, 200, indexHtml, TYPES['.html']!);
    }
    const file = resolveInside(rendererDir, url.pathname);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      return send(res, 404, 'Not found', 'text/plain');
    }
    return serveFile(req, res, file, TYPES[path.extname(file)] ?? 'application/octet-stream');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/`,
    origin,
    token,
    cookie: { name: BRIDGE_COOKIE, value: token },
    services,
    openedUrls,
    confirmedUrls,
    answerQueue,
    clipboard,
    pickQueue,
    savedTexts,
    savedFiles,
    revealedPaths,
    loginItem,
    async close() {
      unsubscribe();
      for (const stream of eventStreams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
}

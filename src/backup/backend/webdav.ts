import { randomBytes } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import {
  BackendAuthError,
  BackendProtocolError,
  ObjectNotFoundError,
  StorageError,
} from '../errors.js';
import { assertObjectName, NAME_RE, type Backend, type ObjectStat } from './backend.js';
import {
  deadlineMs,
  DEFAULT_RETRY,
  faultDetail,
  isNetworkFault,
  mapLimit,
  newStats,
  TransientError,
  withRetry,
  type RetryPolicy,
  type TransferStats,
} from './network.js';
import { TMP_PREFIX } from './sync-names.js';

export interface WebdavOptions {
  /** The repository's folder on the server, http(s)://host/path (no credentials). */
  url: string;
  user?: string;
  password?: string;
  /** What messages call the place ("WebDAV on host/path"). */
  label?: string;
  retry?: RetryPolicy;
  stats?: TransferStats;
  /** A request with no answer for this long (plus time for its bytes) is given up and retried. */
  timeoutMs?: number;
}

/** A WebDAV folder listing's entry. */
interface DavEntry {
  /** The last path segment, decoded. */
  name: string;
  collection: boolean;
  size: number;
  mtimeMs: number | undefined;
}

const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>' +
  '<D:resourcetype/><D:getcontentlength/><D:getlastmodified/></D:prop></D:propfind>';
const QUOTA_BODY =
  '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop>' +
  '<D:quota-available-bytes/></D:prop></D:propfind>';

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  isArray: (name) => name === 'response' || name === 'propstat',
  parseTagValue: false,
});

/**
 * A repository on a WebDAV server: Nextcloud, ownCloud, a NAS (Synology, QNAP), Apache
 * mod_dav, or `rclone serve webdav`. Plain `fetch` (HTTP keep-alive), Basic authentication.
 *
 * Writes go to a temporary name in the object's folder, then MOVE onto the object's name with
 * `Overwrite: F`: an object is visible whole or not at all, and an existing one is never
 * replaced. Listings are PROPFIND Depth 1, folder by folder (servers forbid Depth infinity by
 * default). Every request is retried on network faults and overloaded servers.
 */
export function createWebdavBackend(opts: WebdavOptions): Backend & { stats: TransferStats } {
  const base = new URL(opts.url.replace(/\/+$/, '') + '/');
  const label = opts.label ?? `WebDAV on ${base.host}${base.pathname}`;
  const policy = opts.retry ?? DEFAULT_RETRY;
  const stats = opts.stats ?? newStats();
  const auth =
    opts.user !== undefined
      ? `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64')}`
      : null;
  /** Folders known to exist (created by us or seen in a listing): no MKCOL for them. */
  const knownDirs = new Set<string>();

  const urlOf = (rel: string): string => new URL(rel, base).toString();

  async function request(
    method: string,
    rel: string,
    init: { headers?: Record<string, string>; body?: Uint8Array | string; bytes?: number } = {},
  ): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const headers: Record<string, string> = { ...init.headers };
    if (auth) headers.authorization = auth;
    stats.requests++;
    const size = typeof init.body === 'string' ? init.body.length : (init.body?.length ?? 0);
    let res: Response;
    // An explicit timer (not AbortSignal.timeout, whose signal fetch may let be collected
    // before it fires): a stalled server must not hold a backup forever.
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' })),
      deadlineMs(Math.max(size, init.bytes ?? 0), opts.timeoutMs),
    );
    try {
      res = await fetch(urlOf(rel), {
        method,
        headers,
        ...(init.body !== undefined ? { body: init.body as unknown as RequestInit['body'] } : {}),
        redirect: 'manual',
        signal: controller.signal,
      });
      const body = Buffer.from(await res.arrayBuffer());
      stats.bytesUp += size;
      stats.bytesDown += body.length;
      if (
        res.status === 408 ||
        res.status === 429 ||
        (res.status >= 500 && res.status !== 501 && res.status !== 507)
      ) {
        throw new TransientError(`HTTP ${res.status} on ${method} ${rel}`);
      }
      return { status: res.status, headers: res.headers, body };
    } catch (err) {
      if (err instanceof TransientError) throw err;
      if (isNetworkFault(err)) throw new TransientError(faultDetail(err), { cause: err });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  const retry = <T>(fn: () => Promise<T>): Promise<T> =>
    withRetry({ location: label, policy, stats }, fn);

  /** Errors every method shares; `object` names what was being done. */
  function fail(status: number, method: string, object: string): never {
    if (status === 401) throw new BackendAuthError(label, 'HTTP 401: wrong user name or password');
    if (status === 403)
      throw new StorageError('permission-denied', object, `HTTP 403 on ${method}`);
    if (status === 507)
      throw new StorageError('disk-full', object, 'HTTP 507 Insufficient Storage');
    if (status === 413)
      throw new BackendProtocolError(
        label,
        object,
        'HTTP 413: the server refuses uploads this large (raise its upload size limit to at least 32 MB)',
      );
    if (status >= 300 && status < 400)
      throw new BackendProtocolError(
        label,
        object,
        `HTTP ${status}: the server redirects; use the address it redirects to (https?)`,
      );
    if (status === 405 && method === 'PROPFIND')
      throw new BackendProtocolError(
        label,
        object,
        'HTTP 405: this address is not a WebDAV folder (for Nextcloud use https://HOST/remote.php/dav/files/USER/FOLDER)',
      );
    throw new BackendProtocolError(label, object, `HTTP ${status} on ${method}`);
  }

  async function propfind(dir: string): Promise<DavEntry[] | null> {
    const { status, body } = await request('PROPFIND', dir, {
      headers: { depth: '1', 'content-type': 'application/xml; charset=utf-8' },
      body: PROPFIND_BODY,
    });
    if (status === 404) return null;
    if (status !== 207) fail(status, 'PROPFIND', dir || 'the repository folder');
    return parseMultistatus(body.toString('utf8'), urlOf(dir));
  }

  /** Every object name below `dir` ('' for the root), walking sub-folders (at most 8 at once). */
  async function walk(dir: string): Promise<string[]> {
    const entries = await retry(() => propfind(dir ? `${dir}/` : ''));
    if (entries === null) return [];
    if (dir) knownDirs.add(dir);
    const names: string[] = [];
    const subdirs: string[] = [];
    for (const e of entries) {
      const name = dir ? `${dir}/${e.name}` : e.name;
      if (!NAME_RE.test(name)) continue; // our temporaries, anything not ours
      if (e.collection) subdirs.push(name);
      else names.push(name);
    }
    const below = await mapLimit(subdirs, 8, walk);
    return names.concat(...below);
  }

  async function mkcol(dir: string): Promise<void> {
    if (knownDirs.has(dir)) return;
    const { status } = await request('MKCOL', `${dir}/`);
    // 405: already there. 409: its parent is missing.
    if (status === 409) {
      const parent = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
      if (parent) await mkcol(parent);
      else await mkroot();
      return mkcol(dir);
    }
    if (status !== 201 && status !== 405 && status !== 200) fail(status, 'MKCOL', dir);
    knownDirs.add(dir);
  }

  /** The repository's own folder (and those above it, up to the server's WebDAV root). */
  async function mkroot(): Promise<void> {
    const segments = base.pathname.split('/').filter(Boolean);
    for (let i = 1; i <= segments.length; i++) {
      const url = new URL('/' + segments.slice(0, i).join('/') + '/', base);
      stats.requests++;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), deadlineMs(0, opts.timeoutMs));
      const res = await fetch(url, {
        method: 'MKCOL',
        headers: auth ? { authorization: auth } : {},
        signal: controller.signal,
      })
        .catch((err: unknown) => {
          throw new TransientError(faultDetail(err), { cause: err });
        })
        .finally(() => clearTimeout(timer));
      await res.arrayBuffer();
      if (res.status === 401) fail(401, 'MKCOL', 'the repository folder');
      if (res.status === 507) fail(507, 'MKCOL', 'the repository folder');
    }
  }

  /** An upload in progress: its temporary name and how many bytes the server confirmed. */
  interface Upload {
    tmp: string | null;
    sent: number;
  }

  /** Whether the server stores `PUT` with Content-Range at that offset (Apache does). */
  let ranges: Promise<boolean> | null = null;
  function rangesSupported(): Promise<boolean> {
    ranges ??= (async () => {
      // In the repository's own folder, which exists by the time packs are written.
      const probe = `${TMP_PREFIX}${randomBytes(8).toString('hex')}`;
      try {
        const a = await request('PUT', probe, { body: Buffer.from('ab') });
        if (a.status !== 201 && a.status !== 204) {
          ranges = null; // ask again later (the folder may not exist yet)
          return false;
        }
        const b = await request('PUT', probe, {
          headers: { 'content-range': 'bytes 2-3/4' },
          body: Buffer.from('cd'),
        });
        if (b.status !== 201 && b.status !== 204) return false;
        const back = await request('GET', probe);
        // A server that ignored the range would hold "cd" alone: then whole uploads only.
        return back.status === 200 && back.body.toString() === 'abcd';
      } catch {
        return false;
      } finally {
        await request('DELETE', probe).catch(() => undefined);
      }
    })();
    return ranges;
  }

  /** Bytes per request of a resumable upload. */
  const SEGMENT = 4 * 1024 * 1024;

  /**
   * One attempt at an upload: into a temporary name, then MOVE onto the object's name. Where
   * the server takes ranged PUTs, a large object goes up in segments and a dropped connection
   * costs only the segment in flight (the next attempt goes on from what the server
   * confirmed); elsewhere the object is sent whole.
   */
  async function putOnce(name: string, data: Uint8Array, up: Upload): Promise<void> {
    const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
    up.tmp ??= `${dir ? `${dir}/` : ''}${TMP_PREFIX}${randomBytes(8).toString('hex')}`;
    const tmp = up.tmp;
    const segmented = data.byteLength > SEGMENT && (await rangesSupported());
    // A big body into a folder not seen yet: make the folder first rather than learn it is
    // missing by sending megabytes for a 409.
    if (dir && !knownDirs.has(dir) && data.byteLength > 64 * 1024) await mkcol(dir);
    const putPart = async (from: number): Promise<number> => {
      const to = segmented ? Math.min(data.byteLength, from + SEGMENT) : data.byteLength;
      const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
      if (from > 0) headers['content-range'] = `bytes ${from}-${to - 1}/${data.byteLength}`;
      const body = data.subarray(from, to);
      let put = await request('PUT', tmp, { headers, body });
      if (put.status === 409 || (put.status === 404 && !knownDirs.has(dir))) {
        // A folder on the way is missing: make it, then upload again.
        if (dir) await mkcol(dir);
        else await mkroot();
        put = await request('PUT', tmp, { headers, body });
      }
      if (put.status !== 201 && put.status !== 204 && put.status !== 200)
        fail(put.status, 'PUT', name);
      return to;
    };
    if (up.sent > 0) {
      // Resuming: go on only if the temporary file holds what the server confirmed.
      const { status, headers } = await request('HEAD', tmp);
      if (status !== 200 || Number(headers.get('content-length')) < up.sent) up.sent = 0;
    }
    while (up.sent < data.byteLength || data.byteLength === 0) {
      up.sent = await putPart(up.sent);
      if (data.byteLength === 0) break;
    }
    if (dir) knownDirs.add(dir);
    const moved = await request('MOVE', tmp, {
      headers: { destination: urlOf(name), overwrite: 'F' },
    });
    if (moved.status === 201 || moved.status === 204) return;
    // 412: the object is there already (immutable: same content, or one we keep).
    await request('DELETE', tmp).catch(() => undefined);
    if (moved.status === 412) return;
    fail(moved.status, 'MOVE', name);
  }

  return {
    location: label,
    remote: true,
    stats,
    list: async (prefix) => {
      const rel = prefix.replace(/\/+$/, '');
      if (rel !== '') assertObjectName(rel);
      return walk(rel);
    },
    read: async (name, range) => {
      assertObjectName(name);
      return retry(async () => {
        const headers: Record<string, string> = {};
        if (range) {
          if (range.length === 0) return Buffer.alloc(0);
          headers.range = `bytes=${range.offset}-${range.offset + range.length - 1}`;
        }
        const res = await request('GET', name, { headers, bytes: range?.length ?? 16 << 20 });
        if (res.status === 404) throw new ObjectNotFoundError(name);
        if (res.status === 416) return Buffer.alloc(0); // the range starts past the end
        if (res.status === 206) return res.body;
        if (res.status !== 200) fail(res.status, 'GET', name);
        // A server that ignores Range sends the whole object.
        return range ? res.body.subarray(range.offset, range.offset + range.length) : res.body;
      });
    },
    writeAtomic: async (name, data) => {
      assertObjectName(name);
      const up: Upload = { tmp: null, sent: 0 };
      try {
        await retry(() => putOnce(name, data, up));
      } catch (err) {
        // Given up: no temporary file left behind where the server can still be reached.
        if (up.tmp && up.sent > 0) await request('DELETE', up.tmp).catch(() => undefined);
        throw err;
      }
    },
    delete: async (name) => {
      assertObjectName(name);
      return retry(async () => {
        const { status } = await request('DELETE', name);
        if (status === 404 || status === 204 || status === 200) return;
        fail(status, 'DELETE', name);
      });
    },
    stat: async (name) => {
      assertObjectName(name);
      return retry(async (): Promise<ObjectStat | null> => {
        const { status, headers } = await request('HEAD', name);
        if (status === 404) return null;
        if (status !== 200) fail(status, 'HEAD', name);
        // Objects appear whole (PUT, then MOVE), so nothing here is ever "still arriving":
        // no modification time is given that would make fresh damage look like it.
        return { size: Number(headers.get('content-length') ?? 0), local: true };
      });
    },
    move: async (from, to) => {
      const src = typeof from === 'string' ? from : from.id;
      assertObjectName(src);
      assertObjectName(to);
      return retry(async () => {
        const dir = to.includes('/') ? to.slice(0, to.lastIndexOf('/')) : '';
        if (dir) await mkcol(dir);
        const { status } = await request('MOVE', src, {
          headers: { destination: urlOf(to), overwrite: 'F' },
        });
        if (status === 201 || status === 204) return;
        if (status === 412)
          throw Object.assign(new Error(`${to} already exists`), { code: 'EEXIST' });
        if (status === 404) throw new ObjectNotFoundError(src);
        fail(status, 'MOVE', src);
      });
    },
    freeBytes: () =>
      retry(async () => {
        const { status, body } = await request('PROPFIND', '', {
          headers: { depth: '0', 'content-type': 'application/xml; charset=utf-8' },
          body: QUOTA_BODY,
        });
        if (status === 404) return null;
        if (status !== 207) fail(status, 'PROPFIND', 'the repository folder');
        const doc = xml.parse(body.toString('utf8')) as Record<string, unknown>;
        const found = /"quota-available-bytes":"?(\d+)/.exec(JSON.stringify(doc));
        return found ? Number(found[1]) : null;
      }),
  };
}

/** The entries of a PROPFIND Depth 1 answer, without the folder itself. */
export function parseMultistatus(text: string, dirUrl: string): DavEntry[] {
  const doc = xml.parse(text) as { multistatus?: { response?: unknown[] } };
  const dirPath = decodeURIComponent(new URL(dirUrl).pathname).replace(/\/+$/, '');
  const out: DavEntry[] = [];
  for (const r of doc.multistatus?.response ?? []) {
    const resp = r as { href?: unknown; propstat?: unknown[] };
    if (typeof resp.href !== 'string') continue;
    const hrefPath = decodeURIComponent(new URL(resp.href.trim(), dirUrl).pathname).replace(
      /\/+$/,
      '',
    );
    if (hrefPath === dirPath) continue;
    const name = hrefPath.slice(hrefPath.lastIndexOf('/') + 1);
    if (!name) continue;
    let collection = false;
    let size = 0;
    let mtimeMs: number | undefined;
    for (const ps of resp.propstat ?? []) {
      const p = ps as { status?: unknown; prop?: Record<string, unknown> };
      if (typeof p.status === 'string' && !/\s2\d\d\s/.test(p.status)) continue;
      const prop = p.prop ?? {};
      const rt = prop.resourcetype;
      if (rt && typeof rt === 'object' && 'collection' in rt) collection = true;
      if (prop.getcontentlength !== undefined) size = Number(prop.getcontentlength) || 0;
      if (typeof prop.getlastmodified === 'string') {
        const t = Date.parse(prop.getlastmodified);
        if (Number.isFinite(t)) mtimeMs = t;
      }
    }
    out.push({ name, collection, size, mtimeMs });
  }
  return out;
}

import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path/posix';
import ssh2, { type Client, type ConnectConfig, type SFTPWrapper, type Stats } from 'ssh2';
import {
  BackendAuthError,
  BackendProtocolError,
  HostKeyChangedError,
  HostKeyUnknownError,
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

export interface SftpOptions {
  host: string;
  port?: number;
  user?: string;
  /** The repository's folder: absolute, or relative to the user's home folder. */
  path: string;
  password?: string;
  /** An OpenSSH or PEM private key, and its passphrase when it has one. */
  privateKey?: string;
  passphrase?: string;
  /** An ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  /**
   * The host key fingerprint(s) ("SHA256:…") trusted for this server. Without one nothing is
   * sent: the connection stops with HostKeyUnknownError carrying the fingerprint to confirm.
   */
  hostKey?: string | string[];
  label?: string;
  retry?: RetryPolicy;
  stats?: TransferStats;
  /** How long to wait for the server's handshake. */
  connectTimeoutMs?: number;
  /** An operation with no answer for this long (plus time for its bytes) is given up and retried. */
  timeoutMs?: number;
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/** Requests in flight at once for one object's reads or writes (OpenSSH allows plenty). */
const PIPELINE = 32;

/** "SHA256:…" of a raw host key, as ssh-keygen -l and ssh show it. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

interface Session {
  client: Client;
  sftp: SFTPWrapper;
  root: string;
  /**
   * Rejects when the connection ends: requests in flight then never get an answer, so every
   * operation races this.
   */
  lost: Promise<never>;
}

function lostWhenClosed(client: Client): Promise<never> {
  const lost = new Promise<never>((_, reject) => {
    const fail = () => reject(new TransientError('the connection was lost'));
    client.once('close', fail);
    client.once('end', fail);
  });
  lost.catch(() => undefined);
  return lost;
}

/**
 * A repository on any SSH server that offers SFTP (a NAS, a Linux box, a hosting account),
 * through ssh2: key, password or agent sign-in, the host key pinned on first use and never
 * accepted when it changes. One connection, reopened after a drop; reads and writes pipeline
 * many requests. Writes go to a temporary name, are fsynced where the server offers it
 * (OpenSSH's fsync@openssh.com), then renamed into place (a plain SFTP rename never replaces
 * an existing file).
 */
export function createSftpBackend(opts: SftpOptions): Backend & { stats: TransferStats } {
  const hostLabel = `${opts.host}${opts.port && opts.port !== 22 ? `:${opts.port}` : ''}`;
  const label =
    opts.label ?? `SFTP on ${opts.user ? `${opts.user}@` : ''}${hostLabel}:${opts.path}`;
  const policy = opts.retry ?? DEFAULT_RETRY;
  const stats = opts.stats ?? newStats();
  let session: Promise<Session> | null = null;
  let closed = false;
  const knownDirs = new Set<string>();

  function connect(): Promise<Session> {
    return new Promise<Session>((resolve, reject) => {
      const client = new ssh2.Client();
      let hostKeyProblem: Error | null = null;
      let settled = false;
      const done = (err: Error | null, s?: Session) => {
        if (settled) return;
        settled = true;
        if (err) {
          client.end();
          reject(err);
        } else resolve(s!);
      };
      const config: ConnectConfig = {
        host: opts.host,
        port: opts.port ?? 22,
        username: opts.user ?? process.env.USER ?? 'root',
        readyTimeout: opts.connectTimeoutMs ?? Math.min(opts.timeoutMs ?? 20_000, 20_000),
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          const seen = fingerprintOf(key);
          const trusted = [opts.hostKey ?? []].flat().filter(Boolean);
          if (trusted.length === 0) hostKeyProblem = new HostKeyUnknownError(hostLabel, seen);
          else if (!trusted.includes(seen))
            hostKeyProblem = new HostKeyChangedError(hostLabel, seen, trusted.join(' or '));
          return hostKeyProblem === null;
        },
        algorithms: {
          // AES-GCM runs in OpenSSL (fast); ssh2's own ChaCha20 needs its optional native build.
          cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes256-ctr'],
        },
        ...(opts.password !== undefined ? { password: opts.password } : {}),
        ...(opts.privateKey !== undefined ? { privateKey: opts.privateKey } : {}),
        ...(opts.passphrase !== undefined ? { passphrase: opts.passphrase } : {}),
        ...(opts.agent !== undefined ? { agent: opts.agent } : {}),
      };
      client.on('ready', () => {
        const lost = lostWhenClosed(client);
        client.sftp((err, sftp) => {
          if (err) return done(classifyConnect(err, null));
          // Relative paths start in the user's home folder (what the server calls ".").
          if (opts.path.startsWith('/')) return done(null, { client, sftp, root: opts.path, lost });
          sftp.realpath('.', (e, home) => {
            if (e) return done(classifyConnect(e, null));
            done(null, { client, sftp, root: path.join(home, opts.path), lost });
          });
        });
      });
      client.on('error', (err) => done(classifyConnect(err, hostKeyProblem)));
      client.on('close', () => done(new TransientError('the connection closed during sign-in')));
      try {
        stats.requests++;
        client.connect(config);
      } catch (err) {
        // ssh2 refuses unreadable keys (or a wrong passphrase) before connecting.
        done(
          new BackendAuthError(
            label,
            /passphrase/i.test(String(err))
              ? "the SSH key's passphrase is missing or wrong"
              : `the SSH key cannot be used (${(err as Error).message})`,
          ),
        );
      }
    });
  }

  function classifyConnect(err: Error & { level?: string }, hostKey: Error | null): Error {
    if (hostKey) return hostKey;
    if (err.level === 'client-authentication')
      return new BackendAuthError(label, 'the server accepted none of the sign-in methods given');
    if (isNetworkFault(err) || err.level === 'client-socket' || err.level === 'client-timeout')
      return new TransientError(faultDetail(err), { cause: err });
    return new BackendProtocolError(label, 'the connection', err.message);
  }

  async function getSession(): Promise<Session> {
    if (closed) throw new BackendProtocolError(label, 'the connection', 'the backend is closed');
    if (!session) {
      const p = connect();
      session = p;
      p.then(
        (s) => {
          // A dropped connection is reopened by the next operation.
          s.client.on('close', () => {
            if (session === p) session = null;
          });
        },
        () => {
          if (session === p) session = null;
        },
      );
    }
    return session;
  }

  /** Runs one SFTP step; errors become our typed errors (NO_SUCH_FILE stays as is for callers). */
  async function op<T>(object: string, fn: (s: Session) => Promise<T>, bytes = 0): Promise<T> {
    return withRetry({ location: label, policy, stats }, async () => {
      const s = await getSession();
      try {
        return await Promise.race([withDeadline(fn(s), deadlineMs(bytes, opts.timeoutMs)), s.lost]);
      } catch (err) {
        const e = err as { code?: unknown; message?: string };
        if (err instanceof ObjectNotFoundError || err instanceof StorageError) throw err;
        if (e.code === NO_SUCH_FILE) throw err;
        if (e.code === PERMISSION_DENIED)
          throw new StorageError('permission-denied', object, 'SFTP permission denied');
        if (
          err instanceof TransientError ||
          isNetworkFault(err) ||
          /No SFTP|channel|not connected/i.test(e.message ?? '')
        ) {
          session = null;
          s.client.end();
          throw err instanceof TransientError
            ? err
            : new TransientError(faultDetail(err), { cause: err });
        }
        throw err;
      }
    });
  }

  /** A stalled connection (no answer at all) is dropped and the operation tried again. */
  function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' })),
        ms,
      );
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  const call = <T>(fn: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      stats.requests++;
      fn((err, v) => (err ? reject(err) : resolve(v as T)));
    });

  const full = (s: Session, name: string) => path.join(s.root, name);

  async function mkdirs(s: Session, dir: string): Promise<void> {
    if (knownDirs.has(dir)) return;
    const parent = path.dirname(dir);
    if (parent !== dir && !knownDirs.has(parent)) {
      const there = await call<Stats>((cb) => s.sftp.stat(parent, cb)).catch(() => null);
      if (!there) await mkdirs(s, parent);
      else knownDirs.add(parent);
    }
    await call<void>((cb) => s.sftp.mkdir(dir, cb)).catch(async (err: unknown) => {
      // Already there (made by another writer, or unseen): fine if it is a folder.
      const st = await call<Stats>((cb) => s.sftp.stat(dir, cb)).catch(() => null);
      if (!st?.isDirectory()) throw err;
    });
    knownDirs.add(dir);
  }

  async function readRange(
    s: Session,
    file: string,
    offset: number,
    length: number,
  ): Promise<Buffer> {
    const handle = await call<Buffer>((cb) => s.sftp.open(file, 'r', cb));
    try {
      const out = Buffer.alloc(length);
      const chunk = 32 * 1024;
      const pieces: { off: number; len: number }[] = [];
      for (let off = 0; off < length; off += chunk)
        pieces.push({ off, len: Math.min(chunk, length - off) });
      const got = await mapLimit(pieces, PIPELINE, (p) =>
        call<number>((cb) =>
          s.sftp.read(handle, out, p.off, p.len, offset + p.off, (err, n) => cb(err, n)),
        ).catch((err: { code?: number }) => {
          if (err.code === 1) return 0; // EOF: the range runs past the end
          throw err;
        }),
      );
      stats.bytesDown += got.reduce((a, n) => a + n, 0);
      // The object's bytes end at the first short piece.
      let end = 0;
      for (let i = 0; i < pieces.length; i++) {
        end = pieces[i]!.off + got[i]!;
        if (got[i]! < pieces[i]!.len) break;
      }
      return out.subarray(0, end);
    } finally {
      await call<void>((cb) => s.sftp.close(handle, cb)).catch(() => undefined);
    }
  }

  /** An upload in progress: its temporary file and the pieces the server has confirmed. */
  interface Upload {
    tmp: string | null;
    acked: Set<number>;
  }

  /**
   * One attempt at an upload. A connection that drops in the middle loses nothing confirmed:
   * the next attempt reopens the same temporary file and sends only the pieces the server did
   * not confirm, so a pack gets through even a link that drops every few megabytes.
   */
  async function putOnce(s: Session, name: string, data: Uint8Array, up: Upload): Promise<void> {
    const file = full(s, name);
    const dir = path.dirname(file);
    await mkdirs(s, dir);
    let handle: Buffer | null = null;
    if (up.tmp) {
      handle = await call<Buffer>((cb) => s.sftp.open(up.tmp!, 'r+', cb)).catch(() => null);
      if (!handle) up.acked.clear(); // gone: start over
    }
    if (!handle) {
      up.tmp = path.join(dir, `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
      handle = await call<Buffer>((cb) => s.sftp.open(up.tmp!, 'wx', cb));
    }
    const tmp = up.tmp!;
    const h = handle;
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    try {
      const chunk = 32 * 1024;
      const pieces: number[] = [];
      for (let off = 0; off < buf.length; off += chunk) if (!up.acked.has(off)) pieces.push(off);
      await mapLimit(pieces, PIPELINE, async (off) => {
        const len = Math.min(chunk, buf.length - off);
        await call<void>((cb) => s.sftp.write(h, buf, off, len, off, (err) => cb(err)));
        up.acked.add(off);
        stats.bytesUp += len;
      });
      await call<void>((cb) => s.sftp.ext_openssh_fsync(h, (err) => cb(err))).catch(() => {
        // Servers without fsync@openssh.com: the rename is the best there is.
      });
    } catch (err) {
      await call<void>((cb) => s.sftp.close(h, cb)).catch(() => undefined);
      const disk = await diskFullOr(s, err, name, buf.length);
      if (disk !== err) await call<void>((cb) => s.sftp.unlink(tmp, cb)).catch(() => undefined);
      throw disk;
    }
    await call<void>((cb) => s.sftp.close(h, cb));
    try {
      await call<void>((cb) => s.sftp.rename(tmp, file, cb));
    } catch (err) {
      await call<void>((cb) => s.sftp.unlink(tmp, cb)).catch(() => undefined);
      // A plain SFTP rename refuses an existing target: the object is there already.
      const there = await call<Stats>((cb) => s.sftp.stat(file, cb)).catch(() => null);
      if (there) return;
      throw err;
    }
  }

  /** SFTP says only "failure" when a disk is full: ask the server for its free space. */
  async function diskFullOr(
    s: Session,
    err: unknown,
    name: string,
    bytes: number,
  ): Promise<unknown> {
    if ((err as { code?: unknown }).code !== 4) return err;
    const free = await call<{ bavail: number; frsize: number }>((cb) =>
      s.sftp.ext_openssh_statvfs(s.root, cb),
    ).catch(() => null);
    if (free && free.bavail * free.frsize < bytes)
      return new StorageError('disk-full', name, 'SFTP write failed, the server has no space left');
    return err;
  }

  async function walk(s: Session, rel: string): Promise<string[]> {
    let entries;
    try {
      entries = await call<{ filename: string; attrs: Stats }[]>((cb) =>
        s.sftp.readdir(rel ? full(s, rel) : s.root, cb),
      );
    } catch (err) {
      if ((err as { code?: unknown }).code === NO_SUCH_FILE) return [];
      throw err;
    }
    const names: string[] = [];
    const dirs: string[] = [];
    for (const e of entries) {
      const name = rel ? `${rel}/${e.filename}` : e.filename;
      if (!NAME_RE.test(name)) continue;
      if (e.attrs.isDirectory()) dirs.push(name);
      else if (e.attrs.isFile()) names.push(name);
    }
    const below = await mapLimit(dirs, 8, (d) => walk(s, d));
    return names.concat(...below);
  }

  return {
    location: label,
    remote: true,
    stats,
    list: async (prefix) => {
      const rel = prefix.replace(/\/+$/, '');
      if (rel !== '') assertObjectName(rel);
      return op(prefix || 'the repository folder', (s) => walk(s, rel));
    },
    read: async (name, range) => {
      assertObjectName(name);
      return op(name, async (s) => {
        try {
          if (range) return await readRange(s, full(s, name), range.offset, range.length);
          const st = await call<Stats>((cb) => s.sftp.stat(full(s, name), cb));
          return await readRange(s, full(s, name), 0, st.size);
        } catch (err) {
          if ((err as { code?: unknown }).code === NO_SUCH_FILE)
            throw new ObjectNotFoundError(name);
          throw err;
        }
      });
    },
    writeAtomic: async (name, data) => {
      assertObjectName(name);
      const up: Upload = { tmp: null, acked: new Set() };
      try {
        return await op(name, (s) => putOnce(s, name, data, up), data.byteLength);
      } catch (err) {
        // Given up: leave no temporary file behind where the server can still be reached.
        if (up.tmp) {
          const tmp = up.tmp;
          await session
            ?.then((s) => call<void>((cb) => s.sftp.unlink(tmp, cb)))
            .catch(() => undefined);
        }
        throw err;
      }
    },
    delete: async (name) => {
      assertObjectName(name);
      return op(name, async (s) => {
        await call<void>((cb) => s.sftp.unlink(full(s, name), cb)).catch(
          (err: { code?: unknown }) => {
            if (err.code !== NO_SUCH_FILE) throw err;
          },
        );
      });
    },
    stat: async (name) => {
      assertObjectName(name);
      return op(name, async (s): Promise<ObjectStat | null> => {
        try {
          const st = await call<Stats>((cb) => s.sftp.stat(full(s, name), cb));
          // Writes appear whole (renamed into place): nothing is ever "still arriving".
          return { size: st.size, local: true };
        } catch (err) {
          if ((err as { code?: unknown }).code === NO_SUCH_FILE) return null;
          throw err;
        }
      });
    },
    move: async (from, to) => {
      const src = typeof from === 'string' ? from : from.id;
      assertObjectName(src);
      assertObjectName(to);
      return op(src, async (s) => {
        await mkdirs(s, path.dirname(full(s, to)));
        const there = await call<Stats>((cb) => s.sftp.stat(full(s, to), cb)).catch(() => null);
        if (there) throw Object.assign(new Error(`${to} already exists`), { code: 'EEXIST' });
        await call<void>((cb) => s.sftp.rename(full(s, src), full(s, to), cb)).catch(
          (err: { code?: unknown }) => {
            if (err.code === NO_SUCH_FILE) throw new ObjectNotFoundError(src);
            throw err;
          },
        );
      });
    },
    freeBytes: () =>
      op('the repository folder', async (s) => {
        const info = await call<{ bavail: number; frsize: number }>((cb) =>
          s.sftp.ext_openssh_statvfs(s.root, cb),
        ).catch(() => null);
        return info ? info.bavail * info.frsize : null;
      }),
    close: async () => {
      closed = true;
      const s = await session?.catch(() => null);
      s?.client.end();
      session = null;
    },
  };
}

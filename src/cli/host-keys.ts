import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * SSH host keys the CLI trusts: the ones this user confirmed in chatkeep (pinned on first use,
 * in the state folder's `known-hosts.json`), and those OpenSSH already trusts for the host in
 * ~/.ssh/known_hosts (plain or hashed entries). Fingerprints are "SHA256:…" as ssh shows them.
 */
export class HostKeyPins {
  private readonly file: string;
  constructor(readonly dir: string) {
    this.file = path.join(dir, 'known-hosts.json');
  }

  async get(hostPort: string): Promise<string | null> {
    return (await this.load())[hostPort] ?? null;
  }

  async set(hostPort: string, fingerprint: string): Promise<void> {
    const all = await this.load();
    all[hostPort] = fingerprint;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }

  private async load(): Promise<Record<string, string>> {
    try {
      const doc = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
        return Object.fromEntries(
          Object.entries(doc).filter(([, v]) => typeof v === 'string' && v.startsWith('SHA256:')),
        ) as Record<string, string>;
      }
    } catch {
      // Missing or unreadable: nothing pinned yet (the person is asked again).
    }
    return {};
  }
}

/** How known_hosts names a host: "host", or "[host]:port" off port 22. */
export function knownHostsName(host: string, port = 22): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Fingerprints OpenSSH's known_hosts trusts for this host (several key types may be listed). */
export async function knownHostsFingerprints(
  host: string,
  port = 22,
  file = path.join(os.homedir(), '.ssh', 'known_hosts'),
): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const name = knownHostsName(host, port);
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // Markers (@cert-authority, @revoked) are not plain trust: leave them to OpenSSH.
    if (!line || line.startsWith('#') || line.startsWith('@')) continue;
    const [hosts, , key] = line.split(/\s+/);
    if (!hosts || !key) continue;
    if (!hosts.split(',').some((h) => hostMatches(h, name))) continue;
    const blob = Buffer.from(key, 'base64');
    out.push(`SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`);
  }
  return out;
}

function hostMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return pattern === name;
}

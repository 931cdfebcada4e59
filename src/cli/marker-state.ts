import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The newest snapshot this user has seen in each backup, keyed by the backup's repository id,
 * so that a backup folder replaced by an older copy (a sync conflict, a restored disk image,
 * someone with the cloud account) is refused instead of silently used, wherever it is mounted
 * and whichever chat store is used with it. It holds markers only ({seq, id, hash}: public
 * facts about snapshots), never a secret, in the user's state folder (`defaultStateDir`). The
 * desktop app keeps its markers in the OS keychain instead.
 */
export interface SnapshotMarkerLike {
  seq: number;
  id: string;
  hash: string;
}

interface RepoEntry {
  marker: SnapshotMarkerLike;
  seenAt: string;
  /** Where it was last opened (a folder or a location such as webdav:…), for people reading the file. */
  location: string;
}

interface MarkerFile {
  version: 2;
  repositories: Record<string, RepoEntry>;
}

export const MARKER_FILE_NAME = 'markers.json';
/** Where Chatkeep 0.1 kept markers (per chat store, keyed by path); still read. */
export const LEGACY_MARKER_FILE_NAME = 'backup-markers.json';

export class MarkerState {
  private readonly file: string;

  constructor(
    readonly dir: string,
    /** A chat store whose 0.1-era marker file may still hold a marker. */
    private readonly legacyStore?: string,
  ) {
    this.file = path.join(dir, MARKER_FILE_NAME);
  }

  async get(repoId: string, location?: string): Promise<SnapshotMarkerLike | null> {
    const state = await this.load();
    const entry = state.repositories[repoId];
    if (entry) return entry.marker;
    return location ? this.legacy(repoId, location) : null;
  }

  /** Records the marker unless the one already recorded is newer. */
  async set(repoId: string, location: string, marker: SnapshotMarkerLike): Promise<void> {
    const state = await this.load();
    const before = state.repositories[repoId];
    if (before && before.marker.seq > marker.seq) return;
    state.repositories[repoId] = {
      marker: { seq: marker.seq, id: marker.id, hash: marker.hash },
      seenAt: new Date().toISOString(),
      location,
    };
    await this.save(state);
  }

  async forget(repoId: string): Promise<void> {
    const state = await this.load();
    if (!state.repositories[repoId]) return;
    delete state.repositories[repoId];
    await this.save(state);
  }

  /** This installation's id, made once: recorded as the maintenance owner when it prunes. */
  async clientId(): Promise<string> {
    const file = path.join(this.dir, 'client-id');
    try {
      const text = (await readFile(file, 'utf8')).trim();
      if (/^[0-9a-f]{32}$/.test(text)) return text;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const id = randomBytes(16).toString('hex');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(file, `${id}\n`, { mode: 0o600 });
    return id;
  }

  private async legacy(repoId: string, location: string): Promise<SnapshotMarkerLike | null> {
    if (!this.legacyStore) return null;
    try {
      const text = await readFile(path.join(this.legacyStore, LEGACY_MARKER_FILE_NAME), 'utf8');
      const old = JSON.parse(text) as {
        repositories?: Record<string, { repoId?: string; marker?: SnapshotMarkerLike }>;
      };
      const e = old.repositories?.[path.resolve(location)];
      return e?.repoId === repoId && e.marker ? e.marker : null;
    } catch {
      return null;
    }
  }

  private async load(): Promise<MarkerFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty();
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as Partial<MarkerFile>;
      if (parsed.version === 2 && parsed.repositories && typeof parsed.repositories === 'object') {
        return parsed as MarkerFile;
      }
    } catch {
      // A torn or hand-edited file: start over rather than block every backup; the worst case
      // is one missed rollback check, the same as a first run (and restore then warns).
    }
    return empty();
  }

  private async save(state: MarkerFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

function empty(): MarkerFile {
  return { version: 2, repositories: {} };
}

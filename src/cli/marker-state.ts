import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The last snapshot marker this chat store has seen in each repository, so that a repository
 * folder replaced by an older copy (a sync conflict, a restored disk image, an attacker) is
 * reported instead of silently used. It holds markers only ({seq, id, hash}: public facts
 * about snapshots), never a secret, in `<store>/backup-markers.json`, keyed by the
 * repository's absolute path. The desktop app keeps its marker in the OS keychain instead.
 */
export interface SnapshotMarkerLike {
  seq: number;
  id: string;
  hash: string;
}

interface MarkerFile {
  version: 1;
  repositories: Record<string, { repoId: string; marker: SnapshotMarkerLike; seenAt: string }>;
}

export const MARKER_FILE_NAME = 'backup-markers.json';

export class MarkerState {
  constructor(private readonly file: string) {}

  static forStore(storeDir: string): MarkerState {
    return new MarkerState(path.join(storeDir, MARKER_FILE_NAME));
  }

  async get(repoPath: string): Promise<{ repoId: string; marker: SnapshotMarkerLike } | null> {
    const state = await this.load();
    return state.repositories[path.resolve(repoPath)] ?? null;
  }

  /** Records the marker; only in an existing store folder (the CLI never creates the app's). */
  async set(repoPath: string, repoId: string, marker: SnapshotMarkerLike): Promise<void> {
    if (!existsSync(path.dirname(this.file))) return;
    const state = await this.load();
    state.repositories[path.resolve(repoPath)] = {
      repoId,
      marker: { seq: marker.seq, id: marker.id, hash: marker.hash },
      seenAt: new Date().toISOString(),
    };
    await this.save(state);
  }

  async forget(repoPath: string): Promise<void> {
    if (!existsSync(this.file)) return;
    const state = await this.load();
    delete state.repositories[path.resolve(repoPath)];
    await this.save(state);
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
      if (parsed.version === 1 && parsed.repositories && typeof parsed.repositories === 'object') {
        return parsed as MarkerFile;
      }
    } catch {
      // A torn or hand-edited file: start over rather than block every backup; the worst case
      // is one missed rollback check, the same as a first run.
    }
    return empty();
  }

  private async save(state: MarkerFile): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
    await rename(tmp, this.file);
  }
}

function empty(): MarkerFile {
  return { version: 1, repositories: {} };
}

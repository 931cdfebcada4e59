import fs from 'node:fs';
import path from 'node:path';

/**
 * A phone's media folder (Android `WhatsApp/Media`, or its parent), where databases name files
 * by a path relative to the WhatsApp folder (`Media/WhatsApp Images/IMG-...jpg`) or only by name.
 * Paths are tried first; the name index (one walk of the tree, names only) is built on demand.
 */
export class MediaFolder {
  private index: Map<string, string> | null = null;

  constructor(readonly root: string) {}

  resolve(relPath: string | null, name: string | null): string | null {
    const rel = relPath?.replace(/\\/g, '/').replace(/^\/+/, '') ?? null;
    if (rel && !rel.split('/').includes('..')) {
      const candidates = [
        path.join(this.root, rel),
        path.join(this.root, rel.replace(/^Media\//, '')),
        path.join(path.dirname(this.root), rel),
      ];
      for (const c of candidates) if (isFile(c)) return c;
    }
    const base = name ?? (rel ? path.posix.basename(rel) : null);
    if (!base) return null;
    return this.names().get(base) ?? null;
  }

  private names(): Map<string, string> {
    if (this.index) return this.index;
    const index = new Map<string, string>();
    const stack = [this.root];
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) stack.push(full);
        else if (e.isFile() && !index.has(e.name)) index.set(e.name, full);
      }
    }
    this.index = index;
    return index;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

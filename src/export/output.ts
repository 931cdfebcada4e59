import fs from 'node:fs';
import path from 'node:path';
import { asStorageError, ExportDestinationError } from './errors.js';

/**
 * The folder an export writes into. It must not exist yet, or be empty: an export never mixes
 * its files with others or overwrites anything. If the export fails or is cancelled, everything
 * it wrote is removed again (and the folder too, when the export made it).
 */
export class OutputFolder {
  /** Bytes written into the folder so far (pages, text, index; media copies count apart). */
  bytesWritten = 0;

  private constructor(
    readonly dir: string,
    private readonly created: boolean,
  ) {}

  static prepare(dir: string): OutputFolder {
    const resolved = path.resolve(dir);
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(resolved, { throwIfNoEntry: false });
    } catch (error) {
      throw asStorageError(error, resolved);
    }
    if (st && !st.isDirectory()) {
      throw new ExportDestinationError(
        `${resolved} is a file: give a folder for the export (a new one, or an empty one).`,
      );
    }
    if (st) {
      let entries: string[];
      try {
        entries = fs.readdirSync(resolved);
      } catch (error) {
        throw asStorageError(error, resolved);
      }
      if (entries.length > 0) {
        throw new ExportDestinationError(
          `${resolved} is not empty: export into a new or empty folder, so nothing there is overwritten.`,
        );
      }
      try {
        fs.accessSync(resolved, fs.constants.W_OK);
      } catch (error) {
        throw asStorageError(error, resolved);
      }
      return new OutputFolder(resolved, false);
    }
    try {
      fs.mkdirSync(resolved, { recursive: true });
    } catch (error) {
      throw asStorageError(error, resolved);
    }
    return new OutputFolder(resolved, true);
  }

  /** A path inside the folder, from `/`-separated parts. */
  path(rel: string): string {
    return path.join(this.dir, ...rel.split('/'));
  }

  mkdir(rel: string): void {
    const full = this.path(rel);
    try {
      fs.mkdirSync(full, { recursive: true });
    } catch (error) {
      throw asStorageError(error, full);
    }
  }

  writeFile(rel: string, data: string | Uint8Array): void {
    const full = this.path(rel);
    try {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, data);
      this.bytesWritten += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    } catch (error) {
      throw asStorageError(error, full);
    }
  }

  open(rel: string): FileSink {
    const full = this.path(rel);
    try {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      return new FileSink(full, fs.openSync(full, 'wx'), (n) => (this.bytesWritten += n));
    } catch (error) {
      throw asStorageError(error, full);
    }
  }

  /** Remove what the export wrote (after a failure or cancel). */
  discard(): void {
    if (this.created) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    for (const entry of fs.readdirSync(this.dir)) {
      fs.rmSync(path.join(this.dir, entry), { recursive: true, force: true });
    }
  }
}

/**
 * A file written in chunks of at least 256 KiB, synchronously: the export is the only work of
 * its thread (a worker in the app, the process in the CLI), and sync writes keep memory flat
 * without back-pressure bookkeeping. Counts the bytes for progress and the summary.
 */
export class FileSink {
  private parts: string[] = [];
  private pending = 0;
  bytes = 0;

  constructor(
    readonly path: string,
    private fd: number | null,
    private readonly onBytes: (n: number) => void = () => {},
  ) {}

  write(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= 1 << 18) this.flush();
  }

  writeBytes(bytes: Uint8Array): void {
    this.flush();
    this.put(bytes);
  }

  private put(bytes: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path} is already closed`);
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (error) {
      throw asStorageError(error, this.path);
    }
    this.bytes += bytes.length;
    this.onBytes(bytes.length);
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.pending = 0;
    this.put(Buffer.from(text, 'utf8'));
  }

  close(): void {
    if (this.fd === null) return;
    let failure: unknown = null;
    try {
      this.flush();
    } catch (error) {
      failure = error;
    }
    const fd = this.fd;
    this.fd = null;
    try {
      if (fd !== null) fs.closeSync(fd);
    } catch (error) {
      failure ??= asStorageError(error, this.path);
    }
    if (failure) throw failure;
  }

  /** Close without flushing (on failure). */
  abandon(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.parts = [];
    try {
      fs.closeSync(fd);
    } catch {
      // Already failing: the folder is discarded next.
    }
  }
}

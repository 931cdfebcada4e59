import { InvalidArgumentError } from '../errors.js';
import type { TransferStats } from './network.js';

/**
 * Where a repository's objects live. Objects are immutable once written: a name is written at
 * most once (content-addressed names make a second write of the same name a no-op), and
 * objects are only ever deleted whole.
 *
 * Missing objects are an `ObjectNotFoundError`, objects a sync client has not downloaded yet an
 * `ObjectNotLocalError` (both in ../errors.ts): the engine never looks at errno codes.
 */
export interface Backend {
  /** Object names under `prefix` (e.g. "data/", "keys/"), in no particular order. */
  list(prefix: string): Promise<string[]>;
  /** Whole object or a byte range of it. */
  read(name: string, range?: { offset: number; length: number }): Promise<Buffer>;
  /**
   * Durable once it resolves (unless `durable: false`, for objects whose loss in a crash is
   * harmless, like locks). Never replaces an existing object.
   */
  writeAtomic(name: string, data: Uint8Array, opts?: WriteOptions): Promise<void>;
  /** Removes the object; a missing object is not an error. */
  delete(name: string, opts?: WriteOptions): Promise<void>;
  stat(name: string): Promise<ObjectStat | null>;
  /** Human-readable location, for messages. */
  readonly location?: string;
  /** For a folder on this computer, its path (a worker thread can open it too). */
  readonly folder?: string;
  /**
   * Every copy of an object the storage holds: the object itself first, then copies a sync
   * client made of it (conflict copies). Backends without sync clients return at most one.
   * Used for objects that must be verified by their content, where any copy that verifies
   * will do.
   */
  variants?(name: string): Promise<ObjectVariant[]>;
  /** What the storage holds under `prefix` beyond plain objects (sync placeholders, conflict copies). */
  survey?(prefix: string): Promise<SurveyEntry[]>;
  /**
   * Moves an object (or one of its variants, by `variant.id`) to a new name without ever
   * replacing an existing object: used to move damaged objects aside and to adopt a conflict
   * copy that verifies.
   */
  move?(from: string | ObjectVariant, to: string): Promise<void>;
  /** Asks the sync client to download an object that is not local yet (no-op where impossible). */
  requestDownload?(name: string): Promise<void>;
  /**
   * Objects live on another computer (WebDAV, SFTP, S3, rclone): every listing costs round
   * trips, and an object is visible whole or not at all (never "still arriving").
   */
  readonly remote?: boolean;
  /** What crossed the wire so far (network backends). */
  readonly stats?: TransferStats;
  /** This computer's verified copies of what a network backend would download again. */
  readonly local?: LocalCache;
  /** Free space at the location, where the storage says (WebDAV quota, SFTP statvfs). */
  freeBytes?(): Promise<number | null>;
  /**
   * Waits until every write accepted so far is stored (a backend that uploads in the
   * background); its failure is thrown here.
   */
  flush?(): Promise<void>;
  /** Ends connections and helper processes (rclone); the backend is unusable afterwards. */
  close?(): Promise<void>;
}

/**
 * What this computer keeps of a network repository besides the index and snapshot files (which
 * a caching backend keeps itself): list (tree) blobs, and small flags. Hits are only hints: the
 * engine checks a blob's id against its content before using it.
 */
export interface LocalCache {
  getBlob(id: string): Promise<Buffer | null>;
  putBlob(id: string, plain: Uint8Array): Promise<void>;
  getFlag(name: string): Promise<boolean>;
  setFlag(name: string, on: boolean): Promise<void>;
}

export interface WriteOptions {
  /** Default true: fsync so the change survives a power cut. */
  durable?: boolean;
}

export interface ObjectStat {
  size: number;
  /** Last modification, where the storage knows it. */
  mtimeMs?: number;
  /** False when a sync client lists the object but its bytes are still in the cloud. */
  local?: boolean;
}

export interface ObjectVariant {
  /** Opaque to callers: which copy (for `move`). */
  id: string;
  /** How the copy came to be, for messages: "the object", "Dropbox conflict copy", ... */
  label: string;
  read(): Promise<Buffer>;
}

export type SurveyKind = 'object' | 'conflict' | 'placeholder';

export interface SurveyEntry {
  /** The object name this entry stands for. */
  name: string;
  kind: SurveyKind;
  /** For conflict copies: the sync client's naming style. */
  label: string;
  size: number;
  mtimeMs: number;
  local: boolean;
}

/** Lowercase ascii, digits and '/' only: the same on every filesystem, no case-only clashes. */
export const NAME_RE = /^[a-z0-9]+(\/[a-z0-9]+){0,2}$/;

export function assertObjectName(name: string): void {
  if (!NAME_RE.test(name) || name.length > 200) {
    throw new InvalidArgumentError(`Invalid backup object name "${name}"`);
  }
}

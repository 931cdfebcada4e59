import { sodium } from './sodium.js';

/**
 * Memory for key material: kept out of swap and core dumps while in use, zeroed and made
 * unusable when released.
 *
 * Why not libsodium's `sodium_malloc`: since Electron 21 every ArrayBuffer must lie inside V8's
 * memory cage, and sodium-native's `sodium_malloc` gives V8 memory from outside it, which
 * Electron refuses by aborting the process (sodium-native issue 185; sodium-native 5.1 asserts
 * on the failed call). The app's backup engine runs in worker threads of Electron's main
 * process, so the same code must work there. What `sodium_malloc` adds beyond this region is
 * guard pages and a canary against native buffer overruns, which JavaScript cannot cause.
 *
 * A region is one ordinary ArrayBuffer (its memory never moves) with the secret bytes in its
 * middle, `PAD` bytes from either end, so the pages holding them belong to this region alone:
 * locking or unlocking another allocation's pages never touches them. Those bytes are locked
 * with `sodium_mlock` (mlock, and on Linux MADV_DONTDUMP) where the OS allows; where it does
 * not (RLIMIT_MEMLOCK reached, a sandbox) the region still works and `locked` says it is not.
 * `release()` zeroes the bytes (`sodium_munlock` zeroes before unlocking), then detaches the
 * ArrayBuffer: every view of it becomes empty, so a key used after release throws instead of
 * encrypting with zeros.
 */

/** Larger than any page size in use (4 KiB, 16 KiB on Apple silicon and some ARM Linux). */
const PAD = 16 * 1024;

export class KeyRegion {
  /** The secret bytes. Views of it (`subarray`) share its memory and its release. */
  readonly bytes: Buffer;
  /** Whether the OS locked the bytes out of swap. */
  readonly locked: boolean;
  private readonly arrayBuffer: ArrayBuffer;
  private released = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`bad key region size ${size}`);
    this.arrayBuffer = new ArrayBuffer(PAD + size + PAD);
    this.bytes = Buffer.from(this.arrayBuffer, PAD, size);
    let locked = false;
    try {
      sodium.sodium_mlock(this.bytes);
      locked = true;
    } catch {
      // Best effort: zeroing on release still happens.
    }
    this.locked = locked;
  }

  /** A region holding a copy of `bytes` (the caller zeroes its own copy). */
  static copyOf(bytes: Uint8Array): KeyRegion {
    const region = new KeyRegion(bytes.length);
    region.bytes.set(bytes);
    return region;
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Zeroes the bytes and detaches the memory; idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.locked) {
      try {
        sodium.sodium_munlock(this.bytes);
      } catch {
        sodium.sodium_memzero(this.bytes);
      }
    } else {
      sodium.sodium_memzero(this.bytes);
    }
    // Transferring detaches this ArrayBuffer (byteLength 0 for every view); the clone, which
    // takes the zeroed memory, is dropped at once.
    structuredClone(this.arrayBuffer, { transfer: [this.arrayBuffer] });
  }
}

/**
 * Test support: a small in-memory chat store with real media files on disk, implementing the
 * engine's BackupSource and RestoreTarget ports (used until and alongside src/store's ChatStore).
 * Its month-group revs are content hashes, so any change to a group changes its rev, as the
 * real store's revs do.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatBundle, MediaType, MessageRecord } from '../store/records.js';
import type { Backend } from './backend/backend.js';
import { createFolderBackend } from './backend/folder.js';
import type {
  BackupSource,
  MediaRef,
  MediaSink,
  MonthGroup,
  RestoreIngest,
  RestoreTarget,
  StoreSnapshotReader,
} from './source.js';

export const TEST_KDF = { opsLimit: 1, memLimit: 8192 * 8 };

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ck-'));
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

interface ChatState {
  id: number;
  bundle: ChatBundle;
}

export class MemoryStore implements BackupSource, RestoreTarget {
  readonly chats: ChatState[] = [];
  readonly mediaDir: string;
  readonly mediaTypes = new Map<string, { mediaType: MediaType; mime: string }>();
  readSnapshotCalls = 0;
  readMonthCalls = 0;

  constructor(
    readonly dir: string,
    readonly storeId = createHash('sha256').update(dir).digest('hex').slice(0, 16),
  ) {
    this.mediaDir = path.join(dir, 'media');
    fs.mkdirSync(this.mediaDir, { recursive: true });
  }

  mediaPath(hash: string): string {
    return path.join(this.mediaDir, hash);
  }

  addMedia(bytes: Uint8Array, mediaType: MediaType, mime: string): string {
    const hash = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(this.mediaPath(hash), bytes);
    this.mediaTypes.set(hash, { mediaType, mime });
    return hash;
  }

  hasMedia(hash: string): boolean {
    return fs.existsSync(this.mediaPath(hash));
  }

  /** Files land in place only at `commit`, each checked against its hash, like the store's. */
  mediaSink(): MediaSink {
    const done: { hash: string; bytes: Buffer }[] = [];
    let cur: { hash: string; parts: Buffer[] } | null = null;
    return {
      start: (hash) => {
        cur = { hash, parts: [] };
      },
      write: (chunk) => {
        cur!.parts.push(Buffer.from(chunk));
      },
      end: () => {
        const bytes = Buffer.concat(cur!.parts);
        const ok = createHash('sha256').update(bytes).digest('hex') === cur!.hash;
        if (ok) done.push({ hash: cur!.hash, bytes });
        cur = null;
        return ok;
      },
      abandon: () => {
        cur = null;
      },
      get count() {
        return done.length;
      },
      commit: async () => {
        for (const f of done.splice(0)) fs.writeFileSync(this.mediaPath(f.hash), f.bytes);
      },
      discard: () => {
        done.length = 0;
        cur = null;
      },
    };
  }

  /** Bundles are kept until commit, then merged: all or nothing, like the store's session. */
  openIngest(): RestoreIngest {
    const pending: ChatBundle[] = [];
    return {
      add: (bundle) => {
        pending.push(structuredClone(bundle));
      },
      forgetMedia: (hashes) => {
        const gone = new Set(hashes);
        let n = 0;
        for (const b of pending)
          for (const m of b.messages)
            for (const a of m.attachments)
              if (a.hash && gone.has(a.hash)) {
                a.hash = null;
                n++;
              }
        return n;
      },
      commit: () => {
        this.ingestNow(pending);
        const messagesAdded = pending.reduce((a, b) => a + b.messages.length, 0);
        return { chats: new Set(pending.map((b) => b.chat.key)).size, messagesAdded };
      },
      rollback: () => {
        pending.length = 0;
      },
    };
  }

  async buildSearchIndex(): Promise<void> {}

  private find(b: ChatBundle): ChatState | undefined {
    return this.chats.find(
      (c) =>
        c.bundle.source.kind === b.source.kind &&
        c.bundle.source.accountKey === b.source.accountKey &&
        c.bundle.chat.key === b.chat.key,
    );
  }

  /** Merge by message key, like the store's idempotent ingest. */
  async ingest(bundles: Iterable<ChatBundle>): Promise<void> {
    this.ingestNow(bundles);
  }

  private ingestNow(bundles: Iterable<ChatBundle>): void {
    for (const b of structuredClone([...bundles])) {
      const c = this.find(b);
      if (!c) {
        this.chats.push({ id: this.chats.length + 1, bundle: b });
        continue;
      }
      const byKey = new Map(c.bundle.messages.map((m) => [m.key, m]));
      for (const m of b.messages) byKey.set(m.key, m);
      c.bundle.messages = [...byKey.values()].sort(
        (x, y) => x.sentAt - y.sentAt || (x.key < y.key ? -1 : 1),
      );
      const people = new Map(c.bundle.people.map((p) => [p.key, p]));
      for (const p of b.people) people.set(p.key, p);
      c.bundle.people = [...people.values()];
      c.bundle.chat = b.chat;
    }
    for (const c of this.chats) {
      for (const m of c.bundle.messages) {
        for (const a of m.attachments)
          if (a.hash) this.mediaTypes.set(a.hash, { mediaType: a.mediaType, mime: a.mime });
      }
    }
  }

  allMessages(): MessageRecord[] {
    return this.chats.flatMap((c) => c.bundle.messages);
  }

  private reader(): StoreSnapshotReader {
    return {
      monthGroups: () => {
        const out: MonthGroup[] = [];
        for (const c of this.chats) {
          const months = new Map<string, MessageRecord[]>();
          for (const m of c.bundle.messages) {
            const k = monthOf(m.sentAt);
            months.set(k, [...(months.get(k) ?? []), m]);
          }
          for (const [month, msgs] of months) {
            out.push({
              chatId: c.id,
              sourceKind: c.bundle.source.kind,
              sourceAccountKey: c.bundle.source.accountKey,
              chatKey: c.bundle.chat.key,
              month,
              rev: createHash('sha256')
                .update(JSON.stringify([c.bundle.chat, msgs]))
                .digest('hex')
                .slice(0, 12),
              messageCount: msgs.length,
            });
          }
        }
        return out;
      },
      readMonthBundle: (chatId, month) => {
        this.readMonthCalls++;
        const c = this.chats.find((x) => x.id === chatId)!;
        return structuredClone({
          ...c.bundle,
          messages: c.bundle.messages.filter((m) => monthOf(m.sentAt) === month),
        });
      },
      mediaRefs: () => {
        const out: MediaRef[] = [];
        for (const [hash, t] of this.mediaTypes) {
          const size = fs.existsSync(this.mediaPath(hash))
            ? fs.statSync(this.mediaPath(hash)).size
            : 0;
          out.push({ hash, size, mediaType: t.mediaType, mime: t.mime });
        }
        return out;
      },
    };
  }

  async readSnapshot<T>(fn: (r: StoreSnapshotReader) => Promise<T>): Promise<T> {
    this.readSnapshotCalls++;
    return fn(this.reader());
  }

  close(): void {}
}

/** A store with 3 chats over 3 months, texts, replies, reactions and 4 media files of several types. */
export function sampleStore(dir: string): MemoryStore {
  const s = new MemoryStore(dir);
  const jan = Date.UTC(2025, 0, 10, 9, 0, 0);
  const feb = Date.UTC(2025, 1, 3, 12, 0, 0);
  const mar = Date.UTC(2025, 2, 20, 18, 30, 0);
  const photo = s.addMedia(Buffer.from('JPEGDATA'.repeat(5000)), 'photo', 'image/jpeg');
  const bigVideo = Buffer.alloc(3 * 1024 * 1024 + 123);
  for (let i = 0; i < bigVideo.length; i++) bigVideo[i] = (i * 2654435761) >>> 24;
  const video = s.addMedia(bigVideo, 'video', 'video/mp4');
  const voice = s.addMedia(Buffer.from('OGGVOICE'.repeat(300)), 'voice', 'audio/ogg');
  const doc = s.addMedia(Buffer.from('%PDF-1.7 hello'), 'document', 'application/pdf');
  const source = { kind: 'whatsapp', accountKey: 'me@s.whatsapp.net', label: 'WhatsApp' };
  const att = (hash: string, mediaType: MediaType, mime: string, size: number) => ({
    mediaType,
    mime,
    size,
    hash,
    fileName: `${mediaType}.bin`,
  });
  const bundles: ChatBundle[] = [
    {
      source,
      chat: { key: 'alice@s.whatsapp.net', type: 'direct', title: 'Alice', members: ['alice'] },
      people: [{ key: 'alice', displayName: 'Alice', phone: '+100' }],
      messages: [
        {
          key: 'a1',
          senderKey: 'alice',
          sentAt: jan,
          text: 'Hi 👋',
          kind: 'text',
          attachments: [],
          reactions: [],
        },
        {
          key: 'a2',
          senderKey: null,
          sentAt: jan + 60_000,
          text: 'Hello back',
          kind: 'text',
          replyToKey: 'a1',
          attachments: [],
          reactions: [{ senderKey: 'alice', emoji: '❤️', at: jan + 70_000 }],
        },
        {
          key: 'a3',
          senderKey: 'alice',
          sentAt: feb,
          text: null,
          kind: 'media',
          attachments: [att(photo, 'photo', 'image/jpeg', 40000)],
          reactions: [],
        },
        {
          key: 'a4',
          senderKey: 'alice',
          sentAt: mar,
          text: 'video',
          kind: 'media',
          attachments: [att(video, 'video', 'video/mp4', bigVideo.length)],
          reactions: [],
          editedAt: mar + 5,
        },
      ],
    },
    {
      source,
      chat: {
        key: 'group-1@g.us',
        type: 'group',
        title: 'Family / Home',
        members: ['alice', 'bob'],
      },
      people: [
        { key: 'alice', displayName: 'Alice' },
        { key: 'bob', displayName: 'Bob', handle: '@bob' },
      ],
      messages: [
        {
          key: 'g1',
          senderKey: null,
          sentAt: jan,
          text: 'Bob joined',
          kind: 'system',
          attachments: [],
          reactions: [],
        },
        {
          key: 'g2',
          senderKey: 'bob',
          sentAt: feb + 1000,
          text: null,
          kind: 'media',
          attachments: [att(voice, 'voice', 'audio/ogg', 2400)],
          reactions: [],
        },
        {
          key: 'g3',
          senderKey: 'alice',
          sentAt: mar,
          text: 'where?',
          kind: 'location',
          attachments: [],
          reactions: [],
          extra: { lat: 1.5, lon: -2.25, name: 'Café' },
        },
      ],
    },
    {
      source: { kind: 'telegram', accountKey: 'export', label: 'Telegram' },
      chat: { key: '42', type: 'direct', title: 'Carol', members: ['c'] },
      people: [{ key: 'c', displayName: 'Carol' }],
      messages: [
        {
          key: 't1',
          senderKey: 'c',
          sentAt: feb + 5,
          text: 'doc',
          kind: 'media',
          attachments: [att(doc, 'document', 'application/pdf', 14)],
          reactions: [],
        },
      ],
    },
  ];
  void s.ingest(bundles);
  return s;
}

/** Wraps a backend and throws real-shaped errno errors from chosen operations. */
export function faultyBackend(
  inner: Backend,
  fault: { op: 'writeAtomic' | 'delete' | 'read'; code: string; after?: number; match?: RegExp },
): Backend & { calls: number } {
  let calls = 0;
  const fail = (op: string, name: string): void => {
    if (op !== fault.op || (fault.match && !fault.match.test(name))) return;
    calls++;
    if (calls > (fault.after ?? 0)) {
      const errnos: Record<string, number> = {
        ENOSPC: -28,
        EACCES: -13,
        EPERM: -1,
        EROFS: -30,
        EIO: -5,
      };
      throw Object.assign(new Error(`${fault.code}: simulated, ${op} '${name}'`), {
        code: fault.code,
        errno: errnos[fault.code] ?? -1,
        syscall: op === 'read' ? 'open' : 'write',
        path: name,
      });
    }
  };
  return {
    ...inner,
    location: inner.location,
    get calls() {
      return calls;
    },
    list: (p) => inner.list(p),
    read: async (n, r) => {
      fail('read', n);
      return inner.read(n, r);
    },
    writeAtomic: async (n, d, o) => {
      fail('writeAtomic', n);
      return inner.writeAtomic(n, d, o);
    },
    delete: async (n, o) => {
      fail('delete', n);
      return inner.delete(n, o);
    },
    stat: (n) => inner.stat(n),
  };
}

export function folderRepo(): { dir: string; backend: Backend } {
  const dir = tmpDir();
  return { dir, backend: createFolderBackend(dir) };
}

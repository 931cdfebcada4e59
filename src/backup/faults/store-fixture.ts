import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ChatStore } from '../../store/index.js';
import type { ChatBundle, MessageRecord } from '../../store/records.js';

/**
 * Small, deterministic chat stores for the fault tests, the CLI tests and the benchmark's
 * incremental steps, built through the store's real ingest path. A seeded PRNG makes every
 * store reproducible, so a digest taken twice of the same parameters is the same.
 */

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32: enough for test data, and fast.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const WORDS =
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part'.split(
    ' ',
  );

export interface FixtureOptions {
  chats: number;
  messagesPerChat: number;
  /** Photos attached to the first messages, of `photoBytes` random (incompressible) bytes each. */
  photos?: number;
  photoBytes?: number;
  seed?: number;
  /** Spread messages over this many months, ending at `endAt`. */
  months?: number;
  endAt?: number;
  /** Distinguishes the chats of independent fixtures added to the same store. */
  chatPrefix?: string;
}

export interface FixtureResult {
  messages: number;
  photoBytes: number;
}

const SOURCE = { kind: 'seed', accountKey: 'fixture', label: 'Test fixture' } as const;

export async function fillStore(dir: string, o: FixtureOptions): Promise<FixtureResult> {
  const rand = prng(o.seed ?? 1);
  const months = o.months ?? 6;
  const endAt = o.endAt ?? Date.UTC(2026, 0, 1);
  const span = months * 30 * 24 * 3600 * 1000;
  const photos = o.photos ?? 0;
  const photoSize = o.photoBytes ?? 200_000;
  const prefix = o.chatPrefix ?? 'chat';
  const store = await ChatStore.open(dir);
  let photoBytes = 0;
  let messages = 0;
  try {
    const bundles: ChatBundle[] = [];
    let photosLeft = photos;
    for (let c = 0; c < o.chats; c++) {
      const people = [{ key: `p${c}`, displayName: `Person ${c}` }];
      const msgs: MessageRecord[] = [];
      for (let m = 0; m < o.messagesPerChat; m++) {
        const words = 3 + Math.floor(rand() * 25);
        const text = Array.from(
          { length: words },
          () => WORDS[Math.floor(rand() * WORDS.length)],
        ).join(' ');
        const sentAt = endAt - span + Math.floor(((m + rand()) / o.messagesPerChat) * span);
        const attachments: MessageRecord['attachments'] = [];
        if (photosLeft > 0 && m % 7 === 0) {
          photosLeft--;
          const bytes = pseudoRandomBytes(rand, photoSize);
          const { hash, size } = store.media.putBytes(bytes);
          photoBytes += size;
          attachments.push({
            mediaType: 'photo',
            mime: 'image/jpeg',
            size,
            hash,
            fileName: `IMG-${c}-${m}.jpg`,
          });
        }
        msgs.push({
          key: `${prefix}${c}-s${o.seed ?? 1}-m${m}`,
          senderKey: rand() < 0.5 ? null : `p${c}`,
          sentAt,
          text,
          kind: attachments.length ? 'media' : 'text',
          attachments,
          reactions: [],
        });
        messages++;
      }
      bundles.push({
        source: { ...SOURCE },
        chat: { key: `${prefix}${c}`, type: 'direct', title: `Chat ${c}`, members: [`p${c}`] },
        people,
        messages: msgs,
      });
    }
    await store.ingest(bundles);
    if (photosLeft > 0) throw new Error('fixture: not enough messages to carry the photos');
  } finally {
    await store.close();
  }
  return { messages, photoBytes };
}

function pseudoRandomBytes(rand: () => number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  // Seeded, so stores are reproducible; xor with a hash stream keeps it incompressible.
  let block = createHash('sha256').update(String(rand())).digest();
  for (let i = 0; i < n; i += 32) {
    block = createHash('sha256').update(block).digest();
    block.copy(out, i, 0, Math.min(32, n - i));
  }
  return out;
}

/**
 * Adds `messages` new messages (and `photos` new photos) to the store's most recently active
 * chats, dated just after their newest month: what a day of chatting adds before the next
 * backup. Works on any store (fixtures or the seed generator's).
 */
export async function addMessages(
  dir: string,
  o: { messages: number; photos: number; seed: number; chats?: number; photoBytes?: number },
): Promise<FixtureResult> {
  const rand = prng(7919 * o.seed + 1);
  const photoSize = o.photoBytes ?? 2_500_000;
  const store = ChatStore.open(dir);
  try {
    const targets = store.readSnapshot((r) => {
      const groups = [...r.monthGroups()].sort((a, b) => b.month.localeCompare(a.month));
      const seen = new Set<number>();
      const picked: { chatId: number; month: string }[] = [];
      for (const g of groups) {
        if (seen.has(g.chatId)) continue;
        seen.add(g.chatId);
        picked.push({ chatId: g.chatId, month: g.month });
        if (picked.length >= (o.chats ?? 10)) break;
      }
      return picked.map((p) => {
        const bundle = r.readMonthBundle(p.chatId, p.month);
        const newest = Math.max(...bundle.messages.map((m) => m.sentAt));
        return { bundle, newest };
      });
    });
    if (targets.length === 0) throw new Error('addMessages: the store has no chats');
    let photosLeft = o.photos;
    let photoBytes = 0;
    const bundles: ChatBundle[] = targets.map(({ bundle }) => ({
      source: bundle.source,
      chat: bundle.chat,
      people: bundle.people,
      messages: [],
    }));
    for (let m = 0; m < o.messages; m++) {
      const t = m % targets.length;
      const target = targets[t]!;
      const out = bundles[t]!;
      const words = 3 + Math.floor(rand() * 25);
      const text = Array.from(
        { length: words },
        () => WORDS[Math.floor(rand() * WORDS.length)],
      ).join(' ');
      const attachments: MessageRecord['attachments'] = [];
      if (photosLeft > 0) {
        photosLeft--;
        const { hash, size } = store.media.putBytes(pseudoRandomBytes(rand, photoSize));
        photoBytes += size;
        attachments.push({
          mediaType: 'photo',
          mime: 'image/jpeg',
          size,
          hash,
          fileName: `new-${o.seed}-${m}.jpg`,
        });
      }
      const sender = target.bundle.people[Math.floor(rand() * target.bundle.people.length)];
      out.messages.push({
        key: `added-${o.seed}-${m}`,
        senderKey: rand() < 0.5 || !sender ? null : sender.key,
        sentAt: target.newest + 60_000 * (m + 1),
        text,
        kind: attachments.length ? 'media' : 'text',
        attachments,
        reactions: [],
      });
    }
    store.ingest(bundles);
    return { messages: o.messages, photoBytes };
  } finally {
    store.close();
  }
}

/**
 * A digest of what a store holds, independent of internal ids and file layout: every chat's
 * portable records, month by month, and the bytes of every media file it references.
 */
export async function storeDigest(
  dir: string,
): Promise<{ digest: string; messages: number; media: number }> {
  const store = await ChatStore.open(dir, { readonly: true });
  try {
    return await store.readSnapshot((r) => {
      const groups = [...r.monthGroups()].sort((a, b) =>
        `${a.sourceKind}/${a.sourceAccountKey}/${a.chatKey}/${a.month}`.localeCompare(
          `${b.sourceKind}/${b.sourceAccountKey}/${b.chatKey}/${b.month}`,
        ),
      );
      const h = createHash('sha256');
      let messages = 0;
      for (const g of groups) {
        const bundle = r.readMonthBundle(g.chatId, g.month);
        const msgs = [...bundle.messages].sort((a, b) => a.key.localeCompare(b.key));
        messages += msgs.length;
        h.update(
          JSON.stringify([g.sourceKind, g.sourceAccountKey, g.chatKey, g.month, bundle.chat.title]),
        );
        for (const m of msgs)
          h.update(
            JSON.stringify([
              m.key,
              m.senderKey,
              m.sentAt,
              m.text,
              m.kind,
              m.attachments.map((a) => a.hash),
            ]),
          );
      }
      const media = [...r.mediaRefs()].map((m) => m.hash).sort();
      for (const hash of media) {
        h.update(hash);
        h.update(
          createHash('sha256')
            .update(readFileOrEmpty(store.media.pathFor(hash)))
            .digest(),
        );
      }
      return { digest: h.digest('hex'), messages, media: media.length };
    });
  } finally {
    await store.close();
  }
}

function readFileOrEmpty(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

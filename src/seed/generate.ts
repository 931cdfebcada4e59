import { ChatStore } from '../store/chat-store.js';
import type {
  AttachmentRecord,
  ChatBundle,
  MediaType,
  MessageKind,
  MessageRecord,
  PersonRecord,
} from '../store/records.js';
import {
  audio,
  gif,
  pdf,
  photo,
  sticker,
  typicalSize,
  video,
  type MediaFile,
} from './media-files.js';
import { Random, zipfSplit } from './random.js';
import { TextMaker, groupName, personName } from './text.js';

export interface GenerateOptions {
  messages: number;
  chats: number;
  /** Approximate megabytes (MiB) of media bytes to write; 0 = metadata only (hash null). */
  mediaMb?: number;
  seed?: number | string;
  /** Newest possible message time (default 2026-01-01T00:00Z): fixed so runs are reproducible. */
  endAt?: number;
}

export interface GenerateStoreOptions extends GenerateOptions {
  out: string;
  /** Messages per ingest call (one transaction each). */
  batchMessages?: number;
  onProgress?: (p: { messages: number; total: number }) => void;
}

export interface GenerateSummary {
  chats: number;
  messages: number;
  people: number;
  attachments: number;
  mediaFiles: number;
  mediaBytes: number;
  storeId: string;
}

/** Where generated media bytes go: the store's media folder, or nowhere (hash null). */
export interface MediaSink {
  putBytes(bytes: Uint8Array): { hash: string; size: number };
}

export const SEED_SOURCE = { kind: 'seed', label: 'Generated sample data' } as const;
const DEFAULT_END = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const DAY = 86_400_000;

const MEDIA_COUNT_SHARE: Record<MediaType, number> = {
  photo: 45,
  voice: 20,
  sticker: 12,
  video: 8,
  gif: 6,
  document: 5,
  audio: 4,
};
const MEDIA_TYPES_LIST = Object.keys(MEDIA_COUNT_SHARE) as MediaType[];
/** Share of the media budget by type; the others are small fixed-size files. */
const BUDGET_SHARE: Partial<Record<MediaType, number>> = { photo: 0.68, voice: 0.16, audio: 0.16 };
const SIZE_LIMITS: Partial<Record<MediaType, [number, number]>> = {
  photo: [3_000, 4_000_000],
  voice: [4_000, 1_000_000],
  audio: [12_000, 4_000_000],
};
const MEDIA_RATE = 0.08;
const STICKER_POOL = 24;
const GIF_POOL = 40;

/** Tracks the media budget and makes (or reuses) files for attachments. */
class MediaMaker {
  private readonly remaining = new Map<MediaType, number>();
  private readonly target = new Map<MediaType, number>();
  private readonly pools = new Map<MediaType, AttachmentRecord[]>();
  files = 0;
  bytes = 0;

  constructor(
    private readonly random: Random,
    private readonly sink: MediaSink | null,
    budgetBytes: number,
    totalMessages: number,
  ) {
    const attachments = totalMessages * MEDIA_RATE;
    const shareSum = Object.values(MEDIA_COUNT_SHARE).reduce((a, b) => a + b, 0);
    for (const type of MEDIA_TYPES_LIST) {
      const share = BUDGET_SHARE[type];
      if (share === undefined) continue;
      const budget = budgetBytes * share;
      const expected = Math.max(1, (attachments * MEDIA_COUNT_SHARE[type]) / shareSum);
      const [lo, hi] = SIZE_LIMITS[type] ?? [1, Infinity];
      this.remaining.set(type, budget);
      this.target.set(type, Math.min(hi, Math.max(lo, budget / expected)));
    }
  }

  pickType(): MediaType {
    return (
      MEDIA_TYPES_LIST[this.random.weighted(MEDIA_TYPES_LIST.map((t) => MEDIA_COUNT_SHARE[t]))] ??
      'photo'
    );
  }

  attachment(type: MediaType, caption: string | null): AttachmentRecord {
    const r = this.random;
    if (!this.sink) return this.notIncluded(type);
    if (type === 'sticker' || type === 'gif') {
      const pool = this.pools.get(type) ?? [];
      this.pools.set(type, pool);
      const max = type === 'sticker' ? STICKER_POOL : GIF_POOL;
      // People reuse stickers and GIFs: a new one now and then, otherwise one seen before.
      if (pool.length < max && (pool.length === 0 || r.chance(0.3))) {
        const made = this.store(type, type === 'sticker' ? sticker(r) : gif(r));
        pool.push(made);
        return { ...made };
      }
      return { ...r.pick(pool) };
    }
    if (type === 'video') return this.store(type, video(r));
    if (type === 'document') {
      return this.store(
        type,
        pdf(r, [caption ?? 'Shared document', `Reference ${r.int(10000, 99999)}`]),
      );
    }
    const left = this.remaining.get(type) ?? 0;
    if (left <= 0) return this.notIncluded(type);
    const size = (this.target.get(type) ?? 10_000) * (0.5 + r.next());
    const file = type === 'photo' ? photo(r, size) : audio(r, size, type === 'voice');
    this.remaining.set(type, left - file.bytes.length);
    return this.store(type, file);
  }

  private store(type: MediaType, file: MediaFile): AttachmentRecord {
    const sink = this.sink;
    if (!sink) return this.notIncluded(type);
    const { hash, size } = sink.putBytes(file.bytes);
    this.files++;
    this.bytes += size;
    return {
      mediaType: type,
      mime: file.mime,
      size,
      hash,
      fileName: file.fileName,
      width: file.width,
      height: file.height,
      durationMs: file.durationMs,
    };
  }

  private notIncluded(type: MediaType): AttachmentRecord {
    const r = this.random;
    const mime: Record<MediaType, string> = {
      photo: 'image/jpeg',
      video: 'video/mp4',
      audio: 'audio/mpeg',
      voice: 'audio/ogg',
      document: 'application/pdf',
      sticker: 'image/webp',
      gif: 'video/mp4',
    };
    const visual = type === 'photo' || type === 'video' || type === 'gif' || type === 'sticker';
    const timed = type === 'video' || type === 'audio' || type === 'voice' || type === 'gif';
    return {
      mediaType: type,
      mime: mime[type],
      size: typicalSize(type, r),
      hash: null,
      fileName: type === 'document' ? `Document ${r.int(1, 500)}.pdf` : null,
      width: visual ? r.pick([512, 720, 1080, 1280, 1600]) : null,
      height: visual ? r.pick([512, 720, 960, 1280]) : null,
      durationMs: timed ? r.int(1_000, 180_000) : null,
    };
  }
}

interface ChatPlan {
  index: number;
  size: number;
  group: boolean;
  members: PersonRecord[];
  title: string;
  language: number;
  lastAt: number;
}

/**
 * The generated chats as bundles, deterministic for a seed. Large chats come as several
 * bundles of at most `sliceMessages` messages (same chat key), so memory stays bounded.
 */
export function* generateBundles(
  opts: GenerateOptions & { media?: MediaSink | null; sliceMessages?: number },
): Generator<ChatBundle> {
  const seed = opts.seed ?? 1;
  const root = new Random(`chatkeep-seed:${seed}`);
  const endAt = opts.endAt ?? DEFAULT_END;
  const chats = Math.max(1, Math.min(opts.chats, Math.max(1, opts.messages)));
  const sizes = zipfSplit(Math.max(0, opts.messages), chats);
  const peopleRandom = root.fork('people');
  const peoplePool: PersonRecord[] = Array.from(
    { length: Math.max(4, Math.ceil(chats * 1.6)) },
    (_, i) => ({
      key: `p${i}`,
      displayName: personName(peopleRandom),
      handle: peopleRandom.chance(0.3) ? `@user${i}` : null,
      phone: peopleRandom.chance(0.7)
        ? `+${peopleRandom.int(1, 99)} ${peopleRandom.int(100, 999)} ${peopleRandom.int(1000000, 9999999)}`
        : null,
    }),
  );
  const media = new MediaMaker(
    root.fork('media'),
    opts.media ?? null,
    (opts.mediaMb ?? 0) * 1024 * 1024,
    opts.messages,
  );
  const source = { kind: SEED_SOURCE.kind, accountKey: `seed-${seed}`, label: SEED_SOURCE.label };
  const slice = Math.max(1, opts.sliceMessages ?? 50_000);

  const planRandom = root.fork('plans');
  const plans: ChatPlan[] = sizes.map((size, index) => {
    const group = planRandom.chance(0.3);
    const memberCount = group ? planRandom.int(3, 12) : 1;
    const members: PersonRecord[] = [];
    while (members.length < Math.min(memberCount, peoplePool.length)) {
      const p = planRandom.pick(peoplePool);
      if (!members.includes(p)) members.push(p);
    }
    return {
      index,
      size,
      group,
      members,
      title: group ? groupName(planRandom, index) : (members[0]?.displayName ?? 'Chat'),
      language: 0,
      lastAt: endAt - Math.floor(planRandom.exponential(45 * DAY)),
    };
  });

  for (const plan of plans) {
    const r = root.fork(`chat-${plan.index}`);
    const text = new TextMaker(r);
    plan.language = text.chatLanguage();
    const times = messageTimes(r, plan.size, plan.lastAt);
    const chat = {
      key: `chat-${plan.index}`,
      type: plan.group ? ('group' as const) : ('direct' as const),
      title: plan.title,
      members: plan.members.map((m) => m.key),
    };
    let batch: MessageRecord[] = [];
    const recentKeys: string[] = [];
    for (let i = 0; i < plan.size; i++) {
      const sentAt = times[i] ?? plan.lastAt;
      const m = makeMessage(r, text, media, plan, i, sentAt, recentKeys);
      batch.push(m);
      recentKeys.push(m.key);
      if (recentKeys.length > 30) recentKeys.shift();
      if (batch.length >= slice) {
        yield { source, chat, people: plan.members, messages: batch };
        batch = [];
      }
    }
    if (batch.length > 0 || plan.size === 0)
      yield { source, chat, people: plan.members, messages: batch };
  }
}

/** Send times, oldest first: bursts of quick replies separated by longer silences. */
function messageTimes(r: Random, count: number, lastAt: number): number[] {
  const times = new Array<number>(count);
  const silence = Math.min(7 * DAY, (2 * 365 * DAY) / Math.max(1, count * 0.25));
  let t = lastAt;
  for (let i = count - 1; i >= 0; i--) {
    times[i] = t;
    t -= Math.max(
      1000,
      Math.floor(r.chance(0.75) ? r.exponential(2 * MINUTE) : r.exponential(silence)),
    );
  }
  return times;
}

function makeMessage(
  r: Random,
  text: TextMaker,
  media: MediaMaker,
  plan: ChatPlan,
  i: number,
  sentAt: number,
  recentKeys: string[],
): MessageRecord {
  const key = `m${i}`;
  const members = plan.members;
  const fromMe = plan.group ? r.chance(0.25) : r.chance(0.5);
  const sender = fromMe
    ? null
    : (members[Math.min(members.length - 1, Math.floor(r.exponential(members.length / 3)))] ??
      null);
  const base: MessageRecord = {
    key,
    senderKey: sender?.key ?? null,
    sentAt,
    text: null,
    kind: 'text',
    attachments: [],
    reactions: [],
  };

  if (i === 0 || r.chance(0.01)) {
    const who = sender?.displayName ?? members[0]?.displayName ?? 'Someone';
    base.senderKey = null;
    base.kind = 'system';
    base.text =
      i === 0
        ? 'Messages and calls are end-to-end encrypted.'
        : plan.group
          ? r.pick([
              `${who} added ${r.pick(members).displayName}`,
              `${who} changed the group name`,
              `${who} left`,
            ])
          : `${who} changed their phone number`;
    return base;
  }

  const roll = r.next();
  let kind: MessageKind = 'text';
  if (roll < MEDIA_RATE) kind = 'media';
  else if (roll < MEDIA_RATE + 0.003) kind = 'location';
  else if (roll < MEDIA_RATE + 0.005) kind = 'contact';
  else if (roll < MEDIA_RATE + 0.007 && plan.group) kind = 'poll';
  else if (roll < MEDIA_RATE + 0.012) kind = 'deleted';
  base.kind = kind;

  switch (kind) {
    case 'text':
      base.text = text.message(plan.language);
      break;
    case 'media': {
      const type = media.pickType();
      base.text =
        type === 'photo' || type === 'video'
          ? r.chance(0.3)
            ? text.message(plan.language)
            : null
          : null;
      base.attachments.push(media.attachment(type, base.text));
      break;
    }
    case 'location':
      base.extra = {
        lat: Math.round((r.next() * 140 - 70) * 1e5) / 1e5,
        lon: Math.round((r.next() * 360 - 180) * 1e5) / 1e5,
        name: r.pick(['Café Central', 'Hauptbahnhof', 'Home', 'Parque del Retiro', '東京駅', null]),
      };
      break;
    case 'contact': {
      const person = r.pick(members);
      base.text = person.displayName;
      base.extra = {
        vcard: `BEGIN:VCARD\nVERSION:3.0\nFN:${person.displayName}\nTEL:${person.phone ?? '+1 555 0100'}\nEND:VCARD`,
      };
      break;
    }
    case 'poll':
      base.text = r.pick([
        'Where shall we eat?',
        '¿Cuándo quedamos?',
        'Welcher Termin passt?',
        'Какой день?',
      ]);
      base.extra = {
        question: base.text,
        options: ['A', 'B', 'C']
          .slice(0, r.int(2, 3))
          .map((o) => ({ text: `Option ${o}`, votes: r.int(0, members.length) })),
      };
      break;
    default:
      break;
  }

  if (kind !== 'deleted' && recentKeys.length > 0 && r.chance(0.05))
    base.replyToKey = r.pick(recentKeys);
  if (kind === 'text' && r.chance(0.02))
    base.editedAt = sentAt + Math.floor(r.exponential(5 * MINUTE)) + 1000;
  if (kind !== 'deleted' && r.chance(0.08)) {
    const reactors = [null, ...members.map((m) => m.key)];
    const n = r.int(1, Math.min(3, reactors.length));
    const seen = new Set<string>();
    for (let k = 0; k < n; k++) {
      const who = r.pick(reactors);
      const emoji = r.pick(['👍', '❤️', '😂', '😮', '😢', '🙏']);
      const id = `${who}|${emoji}`;
      if (seen.has(id)) continue;
      seen.add(id);
      base.reactions.push({ senderKey: who, emoji, at: sentAt + r.int(1000, 3 * 3_600_000) });
    }
  }
  return base;
}

/**
 * Write a generated store into `out` (created if needed) through ChatStore.ingest, in
 * transactions of about `batchMessages` messages.
 */
export function generateStore(opts: GenerateStoreOptions): GenerateSummary {
  const store = ChatStore.open(opts.out);
  try {
    const batchTarget = Math.max(1, opts.batchMessages ?? 50_000);
    let batch: ChatBundle[] = [];
    let inBatch = 0;
    let written = 0;
    const flush = (): void => {
      if (batch.length === 0) return;
      store.ingest(batch);
      written += inBatch;
      opts.onProgress?.({ messages: written, total: opts.messages });
      batch = [];
      inBatch = 0;
    };
    for (const bundle of generateBundles({
      ...opts,
      media: opts.mediaMb ? store.media : null,
      sliceMessages: batchTarget,
    })) {
      batch.push(bundle);
      inBatch += bundle.messages.length;
      if (inBatch >= batchTarget) flush();
    }
    flush();
    const stats = store.stats();
    const attachments = Object.values(stats.media).reduce((a, m) => a + m.attachments, 0);
    return {
      chats: stats.chats,
      messages: stats.messages,
      people: stats.people,
      attachments,
      mediaFiles: stats.distinctMediaFiles,
      mediaBytes: stats.distinctMediaBytes,
      storeId: store.storeId,
    };
  } finally {
    store.close();
  }
}

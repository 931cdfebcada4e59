/**
 * One tolerant reader for the kind-specific `extra` of a message (see `src/store/records.ts` for
 * the shapes importers write). Every importer that ever ran has left its own dialect in people's
 * stores, so these accept the agreed shapes and every older one we know of, and return null
 * rather than throw on anything else: a message with odd extras still shows its text.
 *
 * Types and pure functions only: the renderer and the Node cores both use it.
 */

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const num = (v: unknown): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

export interface LocationInfo {
  lat: number;
  lon: number;
  name: string | null;
  address: string | null;
  /** A link the source gave with the location (e.g. a maps URL); shown only through validation. */
  url: string | null;
}

/** A location: `{ lat, lon, name?, address?, url? }` (Telegram's `place_name` too). */
export function readLocation(extra: Obj | null | undefined): LocationInfo | null {
  if (!extra) return null;
  const lat = num(extra.lat ?? extra.latitude);
  const lon = num(extra.lon ?? extra.lng ?? extra.longitude);
  if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return {
    lat,
    lon,
    name: str(extra.name) ?? str(extra.place_name),
    address: str(extra.address),
    url: str(extra.url),
  };
}

export interface ContactPhone {
  number: string;
  /** "mobile", "home", "work"... as the card says; null when it says nothing. */
  label: string | null;
}

export interface ContactInfo {
  name: string;
  phones: ContactPhone[];
  emails: string[];
  organization: string | null;
}

/**
 * A shared contact: `{ vcard }` (WhatsApp), or Telegram's `{ contact: { first_name, last_name,
 * phone_number, contact_vcard? } }`. `fallbackName` (the message text) names a card without one.
 */
export function readContact(
  extra: Obj | null | undefined,
  fallbackName: string | null = null,
): ContactInfo | null {
  const vcard = str(extra?.vcard) ?? str(obj(extra?.contact)?.contact_vcard);
  const fromCard = vcard ? parseVCard(vcard) : null;
  const tg = obj(extra?.contact);
  const tgName = tg
    ? [str(tg.first_name), str(tg.last_name)].filter((x) => x !== null).join(' ') || null
    : null;
  const tgPhone = tg ? str(tg.phone_number) : null;
  const name = fromCard?.name || tgName || str(fallbackName)?.trim() || null;
  const phones = fromCard?.phones.length
    ? fromCard.phones
    : tgPhone
      ? [{ number: tgPhone, label: null }]
      : [];
  if (!name && phones.length === 0) return null;
  return {
    name: name ?? phones[0]?.number ?? '',
    phones,
    emails: fromCard?.emails ?? [],
    organization: fromCard?.organization ?? null,
  };
}

/** Unfold, unescape and read the parts of a vCard (2.1, 3.0 or 4.0) that a card shows. */
export function parseVCard(text: string): ContactInfo {
  // Folded lines continue with a space or tab; vCard 2.1 quoted-printable ones end with "=".
  const unfolded = text
    .replace(/\r\n?/g, '\n')
    .replace(/=\n/g, '')
    .replace(/\n[ \t]/g, '');
  let fn: string | null = null;
  let n: string | null = null;
  let organization: string | null = null;
  const phones: ContactPhone[] = [];
  const emails: string[] = [];
  for (const line of unfolded.split('\n')) {
    const colon = findValueColon(line);
    if (colon < 0) continue;
    const head = line.slice(0, colon);
    const rawValue = line.slice(colon + 1);
    const [rawName = '', ...params] = head.split(';');
    // "item1.TEL" groups a property with its label; the group does not matter here.
    const name = rawName.replace(/^[^.]*\./, '').toUpperCase();
    const quotedPrintable = params.some((p) => /^(ENCODING=)?QUOTED-PRINTABLE$/i.test(p));
    const value = quotedPrintable ? decodeQuotedPrintable(rawValue) : rawValue;
    if (name === 'FN') fn = unescapeValue(value).trim() || fn;
    else if (name === 'N') {
      const [family = '', given = '', middle = '', prefix = '', suffix = ''] =
        splitUnescaped(value);
      n = [prefix, given, middle, family, suffix].filter((p) => p.trim() !== '').join(' ') || n;
    } else if (name === 'ORG') organization = splitUnescaped(value).filter(Boolean).join(', ');
    else if (name === 'TEL') {
      const number = unescapeValue(value).replace(/^tel:/i, '').trim();
      if (number) phones.push({ number, label: phoneLabel(params) });
    } else if (name === 'EMAIL') {
      const email = unescapeValue(value).trim();
      if (email) emails.push(email);
    }
  }
  return { name: fn ?? n ?? '', phones, emails, organization: organization || null };
}

/** The colon that ends a property's name and parameters (parameters may quote a colon). */
function findValueColon(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
}

function unescapeValue(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function splitUnescaped(value: string): string[] {
  return value.split(/(?<!\\);/).map((part) => unescapeValue(part).trim());
}

function decodeQuotedPrintable(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const hex = value.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(c));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

const PHONE_LABELS: Record<string, string> = {
  CELL: 'mobile',
  MOBILE: 'mobile',
  IPHONE: 'iPhone',
  HOME: 'home',
  WORK: 'work',
  MAIN: 'main',
  FAX: 'fax',
  PAGER: 'pager',
};

function phoneLabel(params: string[]): string | null {
  for (const param of params) {
    const types = param
      .replace(/^TYPE=/i, '')
      .replace(/"/g, '')
      .split(',');
    for (const t of types) {
      const label = PHONE_LABELS[t.trim().toUpperCase()];
      if (label) return label;
    }
  }
  return null;
}

export interface PollOption {
  text: string;
  /** Null when the source did not say. */
  votes: number | null;
}

export interface PollInfo {
  question: string;
  options: PollOption[];
  multiple: boolean;
  closed: boolean;
  /** Sum of the known votes; null when no option has a count. */
  totalVotes: number | null;
}

/**
 * A poll: `{ poll: { question, options: [{ text, votes }], multiple?, closed? } }`. Also accepts
 * options as plain strings, Telegram's `voters` for `votes`, and the seed's older top-level
 * `{ question, options }`. `fallbackQuestion` (the message text) names a poll without one.
 */
export function readPoll(
  extra: Obj | null | undefined,
  fallbackQuestion: string | null = null,
): PollInfo | null {
  if (!extra) return null;
  const poll = obj(extra.poll) ?? (Array.isArray(extra.options) ? extra : null);
  if (!poll) return null;
  const rawOptions = Array.isArray(poll.options)
    ? poll.options
    : Array.isArray(poll.answers)
      ? poll.answers
      : [];
  const options: PollOption[] = [];
  for (const raw of rawOptions) {
    if (typeof raw === 'string') {
      options.push({ text: raw, votes: null });
      continue;
    }
    const o = obj(raw);
    const text = o ? (str(o.text) ?? str(o.name) ?? str(o.option)) : null;
    if (o && text !== null) options.push({ text, votes: num(o.votes ?? o.voters ?? o.count) });
  }
  const question = str(poll.question) ?? str(fallbackQuestion) ?? '';
  if (!question && options.length === 0) return null;
  const counted = options.filter((o) => o.votes !== null);
  return {
    question,
    options,
    multiple: poll.multiple === true || poll.multipleAnswers === true,
    closed: poll.closed === true,
    totalVotes: counted.length > 0 ? counted.reduce((sum, o) => sum + (o.votes ?? 0), 0) : null,
  };
}

export interface CallInfo {
  video: boolean;
  /** Seconds the call lasted; null when unknown. */
  durationS: number | null;
  missed: boolean;
}

/**
 * A call: `{ call: { video, durationS, missed } }`, or Telegram's service message
 * `{ action: 'phone_call', duration_seconds?, discard_reason? }`.
 */
export function readCall(extra: Obj | null | undefined): CallInfo | null {
  if (!extra) return null;
  const call = obj(extra.call);
  if (call) {
    return {
      video: call.video === true,
      durationS: num(call.durationS),
      missed: call.missed === true,
    };
  }
  if (extra.action === 'phone_call' || extra.action === 'group_call') {
    const reason = str(extra.discard_reason);
    const durationS = num(extra.duration_seconds ?? extra.duration);
    return {
      video: extra.is_video === true || extra.video === true,
      durationS,
      missed: reason === 'missed' || reason === 'busy',
    };
  }
  return null;
}

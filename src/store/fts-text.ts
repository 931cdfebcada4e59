/**
 * Text folding shared by the full-text index, the query builder and the highlighter.
 *
 * SQLite's unicode61 tokenizer splits on spaces and punctuation, which fails scripts written
 * without spaces: a whole Chinese or Japanese sentence would become one token and no word inside
 * it could be found. So before indexing we put spaces around every CJK character (each becomes
 * its own token) and a CJK query word becomes a phrase of single characters, which matches
 * exactly where those characters appear side by side. We also strip combining marks ourselves,
 * because unicode61 treats a combining mark as a separator (decomposed "cafe\u0301" or Arabic
 * harakat would otherwise split words); index and query go through the same function.
 */

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u;
const CJK_CHARS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/gu;
const MARKS = /\p{M}/gu;
// eslint-disable-next-line no-control-regex -- the full ASCII range, control characters included
const ASCII_ONLY = /^[\x00-\x7f]*$/;
/** A run of word characters as the highlighter sees it (marks kept with their base letter). */
const WORD_RUN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

function stripMarks(text: string): string {
  return text.normalize('NFD').replace(MARKS, '').normalize('NFC');
}

/** The text the FTS index sees for a message's text. Must stay stable: the index depends on it. */
export function indexText(text: string): string {
  if (ASCII_ONLY.test(text)) return text;
  const folded = stripMarks(text);
  return CJK_CHAR.test(folded) ? folded.replace(CJK_CHARS, ' $& ') : folded;
}

/** Lowercase, mark-free form of any text: "Café Ñandú" and "cafe nandu" fold alike. */
export function foldForMatch(text: string): string {
  return ASCII_ONLY.test(text) ? text.toLowerCase() : stripMarks(text).toLowerCase();
}

/** Lowercase, mark-free form of one token, for comparisons in JavaScript. */
function foldToken(token: string): string {
  return stripMarks(token).toLowerCase();
}

interface Token {
  norm: string;
  start: number;
  end: number;
}

/** Word tokens of `text` with their UTF-16 positions; each CJK character is a token of its own. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD_RUN)) {
    const run = match[0];
    const runStart = match.index;
    if (!CJK_CHAR.test(run)) {
      tokens.push({ norm: foldToken(run), start: runStart, end: runStart + run.length });
      continue;
    }
    // Split the run into CJK characters (each with any marks that follow) and the rest.
    let pending = '';
    let pendingStart = runStart;
    let offset = runStart;
    const flush = (): void => {
      if (pending) tokens.push({ norm: foldToken(pending), start: pendingStart, end: offset });
      pending = '';
    };
    for (const ch of run) {
      if (CJK_CHAR.test(ch)) {
        flush();
        pending = ch;
        pendingStart = offset;
        offset += ch.length;
        flush();
      } else if (/\p{M}/u.test(ch) && tokens.length > 0 && pending === '') {
        // A mark after a CJK character belongs to it.
        const last = tokens[tokens.length - 1];
        offset += ch.length;
        if (last) last.end = offset;
      } else {
        if (!pending) pendingStart = offset;
        pending += ch;
        offset += ch.length;
      }
    }
    flush();
  }
  return tokens.filter((t) => t.norm.length > 0);
}

/** One quoted phrase of a parsed query. */
export interface QueryPhrase {
  tokens: string[];
  /** Match the last token as a prefix ("caf" finds "café"). */
  prefix: boolean;
}

/** Shortest last word that is searched as a prefix: shorter prefixes match too much to be fast. */
const MIN_PREFIX_LENGTH = 3;

/**
 * Parse what a user typed into phrases. Operators and quotes have no special meaning: every
 * whitespace-separated chunk is a phrase of its word tokens, all phrases must match, and the last
 * word is a prefix when it is long enough and not CJK.
 */
export function parseQuery(query: string): QueryPhrase[] {
  const phrases: QueryPhrase[] = [];
  for (const chunk of query.split(/\s+/)) {
    const tokens = tokenize(chunk).map((t) => t.norm);
    if (tokens.length > 0) phrases.push({ tokens, prefix: false });
  }
  const last = phrases[phrases.length - 1];
  const lastToken = last?.tokens[last.tokens.length - 1];
  if (
    last &&
    lastToken &&
    !CJK_CHAR.test(lastToken) &&
    [...lastToken].length >= MIN_PREFIX_LENGTH
  ) {
    last.prefix = true;
  }
  return phrases;
}

/** An FTS5 MATCH expression for the phrases, or null when the query has no words. */
export function toMatchExpression(phrases: QueryPhrase[]): string | null {
  if (phrases.length === 0) return null;
  // Tokens hold only letters, digits and marks, so they cannot contain a double quote; the
  // quoting is what makes words like AND, OR, NEAR plain words.
  return phrases.map((p) => `"${p.tokens.join(' ')}"${p.prefix ? '*' : ''}`).join(' ');
}

/** Whether a phrase occurs in the tokens (its last token a prefix when the phrase says so). */
function phraseAt(tokens: Token[], phrase: QueryPhrase, i: number): boolean {
  const n = phrase.tokens.length;
  for (let j = 0; j < n; j++) {
    const want = phrase.tokens[j] ?? '';
    const have = tokens[i + j]?.norm ?? '';
    const isLast = j === n - 1;
    if (!(have === want || (isLast && phrase.prefix && have.startsWith(want)))) return false;
  }
  return true;
}

/**
 * Whether `text` holds every phrase, as an FTS MATCH of `toMatchExpression(phrases)` would say:
 * for scanning a small chat in JavaScript, cheaper than asking the index once per message.
 */
export function matchesAll(text: string, phrases: QueryPhrase[]): boolean {
  if (phrases.length === 0) return false;
  const tokens = tokenize(text);
  return phrases.every((phrase) => {
    for (let i = 0; i + phrase.tokens.length <= tokens.length; i++) {
      if (phraseAt(tokens, phrase, i)) return true;
    }
    return false;
  });
}

export interface MarkedText {
  snippet: string;
  ranges: Array<{ start: number; end: number }>;
}

const SNIPPET_CONTEXT_BEFORE = 40;
const SNIPPET_LENGTH = 160;
const MAX_RANGES = 20;

/**
 * Where the phrases occur in `text`, as a window of at most ~160 characters around the first
 * occurrence, with the matches' ranges inside that window. Newlines become spaces so the snippet
 * fits one line; an ellipsis marks each cut end.
 */
export function markMatches(text: string, phrases: QueryPhrase[]): MarkedText {
  const tokens = tokenize(text);
  const found: Array<{ start: number; end: number }> = [];
  for (const phrase of phrases) {
    const n = phrase.tokens.length;
    for (let i = 0; i + n <= tokens.length && found.length < MAX_RANGES; i++) {
      if (phraseAt(tokens, phrase, i)) {
        const first = tokens[i];
        const last = tokens[i + n - 1];
        if (first && last) found.push({ start: first.start, end: last.end });
      }
    }
  }
  found.sort((a, b) => a.start - b.start || a.end - b.end);
  const ranges = found.filter((r, i) => i === 0 || r.start >= (found[i - 1]?.end ?? 0));

  const flat = text.replace(/[\r\n\t]/g, ' ');
  if (flat.length <= SNIPPET_LENGTH) return { snippet: flat, ranges };

  const anchor = ranges[0]?.start ?? 0;
  let start = Math.max(0, anchor - SNIPPET_CONTEXT_BEFORE);
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space !== -1 && space < anchor) start = space + 1;
  }
  let end = Math.min(flat.length, start + SNIPPET_LENGTH);
  // Do not cut a surrogate pair in half.
  if (end < flat.length && /[\ud800-\udbff]/.test(flat[end - 1] ?? '')) end -= 1;
  const head = start > 0 ? '…' : '';
  const tail = end < flat.length ? '…' : '';
  const shift = head.length - start;
  const windowRanges = ranges
    .filter((r) => r.start >= start && r.end <= end)
    .map((r) => ({ start: r.start + shift, end: r.end + shift }));
  return { snippet: head + flat.slice(start, end) + tail, ranges: windowRanges };
}

import { LinkifyIt } from 'linkify-it';

/**
 * Links inside message text, found the way messengers find them (linkify-it: full URLs and
 * "www.example.com"-style ones, trailing punctuation and unbalanced brackets left out). Only web
 * links count: a message may say "ftp://" or "file:///" but Chatkeep opens nothing but http(s),
 * and main validates every URL again before handing it to the OS.
 */

export interface FoundLink {
  /** UTF-16 range of the link in the text. */
  start: number;
  end: number;
  /** The text as written. */
  text: string;
  /** The URL to open (a scheme added to "www." links). */
  url: string;
  /** The host without "www.", for display ("youtube.com"). */
  domain: string;
}

// fuzzyLink: "www.example.com" and "example.com/path"; no e-mail addresses or bare IPs.
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false, fuzzyIP: false });

/** Every http(s) link in `text`, in order. */
export function findLinks(text: string): FoundLink[] {
  if (!text || !linkify.test(text)) return [];
  const out: FoundLink[] = [];
  for (const match of linkify.match(text) ?? []) {
    const domain = webDomain(match.url);
    if (!domain) continue;
    out.push({
      start: match.index,
      end: match.lastIndex,
      text: match.raw,
      url: match.url,
      domain,
    });
  }
  return out;
}

/** The displayable host of an http(s) URL, or null for any other kind of URL. */
export function webDomain(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

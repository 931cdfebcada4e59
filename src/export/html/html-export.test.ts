import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatStore } from '../../store/index.js';
import { runExport, type ExportResult } from '../run.js';
import {
  buildArchiveFixture,
  FIXTURE_ZONE,
  HOSTILE,
  type ArchiveFixture,
} from '../testing/archive-fixture.js';

let dir: string;
let store: ChatStore;
let fx: ArchiveFixture;
let folder: string;
let folderResult: ExportResult;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-html-'));
  fx = buildArchiveFixture(path.join(dir, 'store'));
  store = ChatStore.open(path.join(dir, 'store'), { readonly: true });
  folder = path.join(dir, 'archive');
  folderResult = await runExport(store, folder, {
    format: 'html',
    chats: 'all',
    timeZone: FIXTURE_ZONE,
    locale: 'en-GB',
    now: Date.UTC(2024, 6, 1),
  });
});

afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const window = new Window();
function parse(file: string): Document {
  return new window.DOMParser().parseFromString(
    fs.readFileSync(file, 'utf8'),
    'text/html',
  ) as unknown as Document;
}

/** Text as shown: runs of white space are one space. */
const t = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim();

function files(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => fs.statSync(path.join(root, f)).isFile())
    .sort();
}

function familyDir(): string {
  return files(folder)
    .find((f) => /^chats\/\d+-family-b-b-friends\/index\.html$/.test(f))!
    .replace(/index\.html$/, '');
}

describe('HTML archive in a folder', () => {
  it('splits pages per chat and month, beside an index, a search page and the media', () => {
    const all = files(folder);
    const family = familyDir();
    expect(all).toEqual(
      expect.arrayContaining([
        'index.html',
        'search.html',
        'assets/archive.css',
        'assets/archive.js',
        'assets/search/index.js',
        'assets/search/part-0001.js',
        `${family}index.html`,
        `${family}2024-05.html`,
        `${family}2024-06.html`,
        `media/${fx.photoHash.slice(0, 2)}/${fx.photoHash}.png`,
        `media/${fx.pdfHash.slice(0, 2)}/${fx.pdfHash}.pdf`,
      ]),
    );
    expect(folderResult).toMatchObject({
      chats: 2,
      messages: 14,
      mediaFiles: 2,
      entry: 'index.html',
    });
  });

  it('renders every text as text: <script> and "><img onerror> stay words on the page', () => {
    for (const page of files(folder).filter((f) => f.endsWith('.html'))) {
      const doc = parse(path.join(folder, page));
      // The only scripts are the archive's own files; no element carries an event handler.
      for (const s of doc.querySelectorAll('script')) {
        expect(s.getAttribute('src'), page).toMatch(
          /^(\.\.\/\.\.\/)?assets\/(archive|search\/index)\.js$/,
        );
        expect(s.textContent).toBe('');
      }
      for (const el of doc.querySelectorAll('*')) {
        for (const attr of el.getAttributeNames())
          expect(attr.startsWith('on'), `${page}: ${attr}`).toBe(false);
      }
      expect(doc.querySelectorAll('img[src="x"], svg[onload], b b, i i').length, page).toBe(0);
      for (const a of doc.querySelectorAll('a[href]')) {
        expect(a.getAttribute('href'), page).not.toMatch(/^\s*(javascript|data|vbscript):/i);
      }
    }
    const june = parse(path.join(folder, `${familyDir()}2024-06.html`));
    const text = june.body.textContent ?? '';
    expect(text).toContain(HOSTILE.img);
    expect(text).toContain(HOSTILE.ben);
    expect(text).toContain(HOSTILE.fileName);
    expect(text).toContain('Saturday <b>');
    expect(text).toContain('Müggelsee <i>');
    expect(text).toContain('Carla <script>x</script>');
    expect(june.title).toContain(HOSTILE.title);
    const may = parse(path.join(folder, `${familyDir()}2024-05.html`));
    expect(may.body.textContent).toContain(HOSTILE.script);
    // A link inside hostile text is still only the web link, its query escaped.
    const links = [...june.querySelectorAll('a.msg-link')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['https://example.com/a?b=']);
  });

  it('carries a strict Content Security Policy in every page', () => {
    for (const page of files(folder).filter((f) => f.endsWith('.html'))) {
      const doc = parse(path.join(folder, page));
      const csp = doc
        .querySelector('meta[http-equiv="Content-Security-Policy"]')
        ?.getAttribute('content');
      expect(csp, page).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'",
      );
      // The policy comes before anything it governs.
      expect(doc.head.firstElementChild?.getAttribute('charset')).toBe('utf-8');
      expect(doc.head.children[1]?.getAttribute('http-equiv')).toBe('Content-Security-Policy');
    }
  });

  it('looks like the conversation view: runs, day separators, quotes, reactions, cards, marks', () => {
    const june = parse(path.join(folder, `${familyDir()}2024-06.html`));
    // Every message sits inside the page's message log, inside <main>.
    expect(june.querySelectorAll('main [role="log"] .msg').length).toBe(9);
    expect(june.querySelectorAll('.msg').length).toBe(9);
    const days = [...june.querySelectorAll('.date-separator')].map((d) => d.textContent?.trim());
    expect(days).toEqual(['Saturday, 1 June 2024', 'Sunday, 2 June 2024']);
    // The reply quotes May's message, and links to it on May's page.
    const quote = june.querySelector('a.quote')!;
    expect(quote.textContent).toContain('Ana Sousa');
    expect(quote.textContent).toContain('Where shall we meet?');
    const mayId = quote.getAttribute('href')!.match(/^2024-05\.html#m(\d+)$/)?.[1];
    expect(mayId).toBeDefined();
    const may = parse(path.join(folder, `${familyDir()}2024-05.html`));
    expect(may.getElementById(`m${mayId}`)?.textContent).toContain('Where shall we meet?');
    expect(t(june.querySelector('.reaction'))).toBe('👍2');
    expect(june.querySelector('.reaction')?.className).toBe('reaction mine');
    const poll = june.querySelector('.poll')!;
    expect(t(poll.querySelector('.poll-question'))).toBe('Picnic day?');
    expect([...poll.querySelectorAll('.poll-option-text')].map((o) => t(o))).toEqual([
      'Saturday <b>',
      'Sunday',
    ]);
    expect(poll.querySelector('.poll-bar span')?.className).toBe('pct-67');
    expect(t(poll.querySelector('.poll-total'))).toBe('3 votes');
    const img = june.querySelector('.media-tile img')!;
    expect(img.getAttribute('src')).toBe(
      `../../media/${fx.photoHash.slice(0, 2)}/${fx.photoHash}.png`,
    );
    expect(fs.existsSync(path.join(folder, familyDir(), img.getAttribute('src')!))).toBe(true);
    expect(t(june.querySelector('.location-name'))).toBe('Müggelsee <i>');
    expect(june.querySelector('.location .card-action')?.getAttribute('href')).toMatch(
      /^https:\/\/www\.openstreetmap\.org\//,
    );
    expect(t(june.querySelector('.contact-name'))).toBe('Carla <script>x</script>');
    expect(t(june.querySelector('.deleted'))).toBe('This message was deleted');
    expect(t(june.querySelector('.meta-edited'))).toBe('edited');
    expect(june.querySelector('.media-missing')?.textContent).toContain(
      'Voice message not included',
    );
    expect(t(june.querySelector('.doc-name'))).toBe(HOSTILE.fileName);
    // Group names on the first message of a run, time in every bubble's corner.
    expect([...june.querySelectorAll('.sender')].map((s) => t(s))).toContain(HOSTILE.ben);
    expect(june.querySelectorAll('.msg time').length).toBe(june.querySelectorAll('.msg').length);
    const may2 = parse(path.join(folder, `${familyDir()}2024-05.html`));
    expect(may2.querySelector('.system-pill')?.textContent).toContain('created group');
    // Month navigation between the pages.
    expect(june.querySelector('.month-nav a[rel="prev"]')?.getAttribute('href')).toBe(
      '2024-05.html',
    );
  });

  it('indexes every message for search, with its page', () => {
    const part = fs.readFileSync(path.join(folder, 'assets/search/part-0001.js'), 'utf8');
    expect(part).not.toContain('<');
    const rows: unknown[] = [];
    new Function('ckArchiveShard', part)((shard: { p: [number, string][]; m: unknown[][] }) =>
      rows.push(...shard.m.map((m) => [shard.p[m[0] as number]![1], ...m.slice(1)])),
    );
    expect(rows).toHaveLength(14);
    expect(rows).toContainEqual([
      expect.stringMatching(/^chats\/\d+-ana-sousa\/2024-06\.html$/),
      expect.any(Number),
      expect.any(Number),
      'Ana Sousa',
      'Did you see the zeppelin?',
    ]);
    const meta = fs.readFileSync(path.join(folder, 'assets/search/index.js'), 'utf8');
    expect(meta).toMatch(/^window\.ckArchiveMeta = \{/);
    expect(meta).toContain('"parts":1');
  });

  it('lists the chats on the index page and the months on each chat page', () => {
    const index = parse(path.join(folder, 'index.html'));
    const cards = [...index.querySelectorAll('.chat-card')];
    expect(cards.map((c) => t(c.querySelector('.chat-card-title')))).toEqual([
      'Ana Sousa',
      HOSTILE.title,
    ]);
    expect(index.querySelector('.archive-intro')?.textContent).toContain('Europe/Berlin');
    const chat = parse(path.join(folder, `${familyDir()}index.html`));
    expect([...chat.querySelectorAll('.month-list a')].map((a) => a.getAttribute('href'))).toEqual([
      '2024-05.html',
      '2024-06.html',
    ]);
  });
});

describe('HTML archive as a single file', () => {
  it('is one file with its media inside, its style and script allowed by hash', async () => {
    const out = path.join(dir, 'single');
    const result = await runExport(store, out, {
      format: 'html',
      chats: 'all',
      singleFile: true,
      timeZone: FIXTURE_ZONE,
    });
    expect(files(out)).toEqual(['index.html']);
    expect(result).toMatchObject({
      entry: 'index.html',
      messages: 14,
      mediaFiles: 2,
      warnings: [],
    });
    const doc = parse(path.join(out, 'index.html'));
    const csp = doc
      .querySelector('meta[http-equiv="Content-Security-Policy"]')!
      .getAttribute('content')!;
    const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('base64');
    const style = doc.querySelector('style')!.textContent!;
    const script = [...doc.querySelectorAll('script')].find(
      (s) => !s.getAttribute('type'),
    )!.textContent!;
    expect(csp).toBe(
      `default-src 'none'; script-src 'sha256-${sha(script)}'; style-src 'sha256-${sha(style)}'; img-src data:; media-src data:; base-uri 'none'; form-action 'none'`,
    );
    const img = doc.querySelector('.media-tile img')!.getAttribute('src')!;
    expect(img.startsWith('data:image/png;base64,')).toBe(true);
    const bytes = Buffer.from(img.slice('data:image/png;base64,'.length), 'base64');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(fx.photoHash);
    expect(doc.body.textContent).toContain(HOSTILE.script);
    const data = JSON.parse(doc.getElementById('ck-search-data')!.textContent!) as {
      shard: { m: unknown[][] };
    };
    expect(data.shard.m).toHaveLength(14);
    expect(doc.querySelectorAll('section.chat-section')).toHaveLength(2);
  });
});

describe('filters', () => {
  it('a date range, no media and a search leave out what they say', async () => {
    const out = path.join(dir, 'filtered');
    const result = await runExport(store, out, {
      format: 'html',
      chats: [fx.familyId],
      from: Date.UTC(2024, 5, 1),
      to: Date.UTC(2024, 5, 2),
      mediaTypes: [],
      timeZone: FIXTURE_ZONE,
    });
    expect(files(out).some((f) => f.startsWith('media/'))).toBe(false);
    expect(files(out).filter((f) => /\d{4}-\d{2}\.html$/.test(f))).toHaveLength(1);
    // 1 June 00:00 UTC to 2 June 00:00 UTC: the ten messages of 1 June (Berlin), not 2 June's.
    expect(result.messages).toBe(7);
    const doc = parse(
      path.join(
        out,
        files(out).find((f) => f.endsWith('2024-06.html'))!,
      ),
    );
    expect(doc.querySelector('.media-tile-missing')?.textContent).toContain('Photo not included');
    // The quoted message is outside the range: the quote shows, without a link.
    expect(doc.querySelector('a.quote')).toBeNull();
    expect(doc.querySelector('.quote')?.textContent).toContain('Where shall we meet?');
    expect(
      parse(path.join(out, 'index.html')).querySelector('.archive-intro')?.textContent,
    ).toContain('Only messages from');

    const searched = path.join(dir, 'searched');
    const found = await runExport(store, searched, {
      format: 'html',
      chats: 'all',
      search: 'zeppelin',
      timeZone: FIXTURE_ZONE,
    });
    expect(found.messages).toBe(1);
  });
});

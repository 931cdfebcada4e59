import fs from 'node:fs';
import { asStorageError } from '../errors.js';
import type { FileSink, OutputFolder } from '../output.js';
import type { ArchiveMode } from './pages.js';

/**
 * The archive's search index: every exported message's sender and words, with where its page is.
 * In a folder it is written as scripts of about a megabyte each (`assets/search/part-0001.js`),
 * which the search page loads from `file://` where `fetch` is not allowed; in a single file it is
 * spooled to a temporary file while the pages are written and then copied into the page as a
 * JSON block. Either way only one part is in memory at a time.
 */

/** About this many characters of text per part. */
const PART_CHARS = 1 << 20;

/** JSON that can sit inside a script element: no "</script>" or "<!--" can appear. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export interface SearchMeta {
  chats: { t: string }[];
  timeZone: string;
  locale: string | null;
  messages: number;
}

export class SearchIndexWriter {
  private pages = new Map<string, number>();
  private pageList: [number, string][] = [];
  private rows: string[] = [];
  private chars = 0;
  private parts = 0;
  private spool: FileSink | null = null;
  private spoolRows = 0;
  messages = 0;

  private static readonly SPOOL = '.search-index.tmp';

  constructor(
    private readonly mode: ArchiveMode,
    private readonly out: OutputFolder,
  ) {
    if (mode === 'single') this.spool = out.open(SearchIndexWriter.SPOOL);
  }

  /** One message: its chat's number, its page (folder mode), id, time, sender and words. */
  add(
    chatNo: number,
    page: string,
    id: number,
    sentAt: number,
    sender: string,
    text: string,
  ): void {
    this.messages++;
    if (this.spool) {
      const row = JSON.stringify([chatNo, id, sentAt, sender, text]);
      this.spool.write(this.spoolRows++ === 0 ? row : `,${row}`);
      return;
    }
    let pageNo = this.pages.get(page);
    if (pageNo === undefined) {
      pageNo = this.pageList.length;
      this.pages.set(page, pageNo);
      this.pageList.push([chatNo, page]);
    }
    const row = JSON.stringify([pageNo, id, sentAt, sender, text]);
    this.rows.push(row);
    this.chars += row.length;
    if (this.chars >= PART_CHARS) this.flushPart();
  }

  private flushPart(): void {
    if (this.rows.length === 0) return;
    this.parts++;
    const name = `assets/search/part-${String(this.parts).padStart(4, '0')}.js`;
    const body = `ckArchiveShard({"p":${scriptSafeJson(this.pageList)},"m":[${this.rows.join(',').replace(/</g, '\\u003c')}]});\n`;
    this.out.writeFile(name, body);
    this.rows = [];
    this.chars = 0;
    this.pages = new Map();
    this.pageList = [];
  }

  /** Folder mode: the last part and `assets/search/index.js`, which the search page loads first. */
  finishFolder(meta: SearchMeta): void {
    this.flushPart();
    this.out.writeFile(
      'assets/search/index.js',
      `window.ckArchiveMeta = ${scriptSafeJson({ ...meta, parts: this.parts })};\n`,
    );
  }

  /** Single-file mode: the JSON block, copied from the spool into `sink`. */
  finishSingle(meta: SearchMeta, sink: FileSink): void {
    const spool = this.spool;
    if (!spool) throw new Error('Not a single-file index');
    spool.close();
    const pages = meta.chats.map((_, i) => [i, '']);
    sink.write(
      `<script type="application/json" id="ck-search-data">{"meta":${scriptSafeJson({ ...meta, parts: 1 })},"shard":{"p":${scriptSafeJson(pages)},"m":[`,
    );
    const fd = fs.openSync(spool.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      let carry = '';
      const decoder = new TextDecoder('utf-8');
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        const text = carry + decoder.decode(buf.subarray(0, n), { stream: n > 0 });
        carry = '';
        if (text) sink.write(text.replace(/</g, '\\u003c'));
        if (n === 0) break;
      }
    } catch (error) {
      throw asStorageError(error, spool.path);
    } finally {
      fs.closeSync(fd);
    }
    sink.write(']}}</script>\n');
    fs.rmSync(spool.path, { force: true });
  }

  abandon(): void {
    this.spool?.abandon();
  }
}

import { monthRange } from '../../store/schema.js';
import type { PersonRecord, SnapshotReader } from '../../store/index.js';
import { breathe, type ExportContext, type WriterResult } from '../context.js';
import { MediaCopier } from '../media.js';
import { slugOf } from '../names.js';
import type { PlannedChat } from '../read.js';

/**
 * JSON exports: the store's own portable chat records (src/store/records.ts), one file per chat
 * (`chats/12-family.json`), media beside them (`media/ab/<sha-256>.jpg`) and `export.json`
 * listing the chats and the options used. Described by the JSON Schema in
 * docs/export-schema.json. Read from the store a chat-month at a time, in one consistent snapshot.
 */

export const JSON_FORMAT = 'chatkeep-chat-export';
export const JSON_VERSION = 1;

export async function exportJson(
  ctx: ExportContext,
  snapshot: SnapshotReader,
): Promise<WriterResult> {
  const { out, opts } = ctx;
  // Which UTC months hold each chat's messages (backup month groups: the store's own bookkeeping).
  const months = new Map<number, string[]>();
  for (const g of snapshot.monthGroups()) {
    if (g.messageCount === 0) continue;
    const list = months.get(g.chatId) ?? [];
    list.push(g.month);
    months.set(g.chatId, list);
  }
  const listed: { id: number; title: string; type: string; file: string; messages: number }[] = [];
  let total = 0;
  for (const chat of ctx.plan) {
    const slug = slugOf(chat.detail.title);
    const file = `chats/${chat.detail.id}${slug ? `-${slug}` : ''}.json`;
    const n = await exportChat(ctx, snapshot, chat, months.get(chat.detail.id) ?? [], file);
    listed.push({
      id: chat.detail.id,
      title: chat.detail.title,
      type: chat.detail.type,
      file,
      messages: n,
    });
    total += n;
  }
  out.writeFile(
    'export.json',
    `${JSON.stringify(
      {
        format: 'chatkeep-export',
        version: JSON_VERSION,
        exportedAt: new Date(opts.now).toISOString(),
        generator: opts.generator,
        filters: {
          from: opts.from === null ? null : new Date(opts.from).toISOString(),
          to: opts.to === null ? null : new Date(opts.to).toISOString(),
          search: opts.search,
          mediaTypes: [...opts.mediaTypes],
        },
        chats: listed,
      },
      null,
      2,
    )}\n`,
  );
  return { entry: 'export.json', chats: listed.length, messages: total, warnings: [] };
}

async function exportChat(
  ctx: ExportContext,
  snapshot: SnapshotReader,
  chat: PlannedChat,
  utcMonths: string[],
  file: string,
): Promise<number> {
  const { out, opts } = ctx;
  const sink = out.open(file);
  const people = new Map<string, PersonRecord>();
  let head: string | null = null;
  let written = 0;
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  try {
    for (const month of utcMonths) {
      const [start, end] = monthRange(month);
      if (end <= from || start >= to) continue;
      const bundle = snapshot.readMonthBundle(chat.detail.id, month);
      if (head === null) {
        head =
          `{\n  "format": ${JSON.stringify(JSON_FORMAT)},\n  "version": ${JSON_VERSION},\n` +
          `  "exportedAt": ${JSON.stringify(new Date(opts.now).toISOString())},\n` +
          `  "source": ${JSON.stringify(bundle.source)},\n  "chat": ${JSON.stringify(bundle.chat)},\n  "messages": [`;
        sink.write(head);
      }
      for (const p of bundle.people) people.set(p.key, p);
      for (const m of bundle.messages) {
        if (m.sentAt < from || m.sentAt >= to) continue;
        if (ctx.filter && !ctx.filter.matches(m)) continue;
        const attachments = m.attachments.map((a) => {
          const included = a.hash !== null && ctx.media.includes(a);
          const rel = included && a.hash ? MediaCopier.relPath({ ...a, hash: a.hash }) : null;
          if (rel && a.hash) ctx.media.copy(out, a.hash, rel);
          return { ...a, file: rel };
        });
        sink.write(`${written === 0 ? '\n' : ',\n'}    ${JSON.stringify({ ...m, attachments })}`);
        written++;
      }
      sink.flush();
      ctx.progress.add(bundle.messages.length);
      await breathe(ctx);
    }
    if (head === null) {
      // Nothing in the chosen dates: the file still names the chat, with no messages.
      const any = utcMonths[0] ? snapshot.readMonthBundle(chat.detail.id, utcMonths[0]) : null;
      const members = new Set(any?.chat.members ?? []);
      for (const p of any?.people ?? []) if (members.has(p.key)) people.set(p.key, p);
      sink.write(
        `{\n  "format": ${JSON.stringify(JSON_FORMAT)},\n  "version": ${JSON_VERSION},\n` +
          `  "exportedAt": ${JSON.stringify(new Date(opts.now).toISOString())},\n` +
          `  "source": ${JSON.stringify(any?.source ?? { kind: chat.detail.sourceKind, accountKey: '', label: chat.detail.sourceLabel })},\n` +
          `  "chat": ${JSON.stringify(any?.chat ?? { key: '', type: chat.detail.type, title: chat.detail.title, members: [] })},\n  "messages": [`,
      );
    }
    const sorted = [...people.values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
    sink.write(
      `${written === 0 ? '' : '\n  '}],\n  "people": [${sorted.map((p) => `\n    ${JSON.stringify(p)}`).join(',')}${sorted.length ? '\n  ' : ''}]\n}\n`,
    );
    sink.close();
  } catch (error) {
    sink.abandon();
    throw error;
  }
  return written;
}

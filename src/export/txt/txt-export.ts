import fs from 'node:fs';
import { breathe, type ExportContext, type WriterResult } from '../context.js';
import { asStorageError } from '../errors.js';
import { safeFileName } from '../names.js';
import { messagesBetween, type PlannedChat } from '../read.js';
import { authorName, messageLines, type TextContext } from './whatsapp-text.js';

/**
 * Text exports: a folder per chat holding `WhatsApp Chat - <title>.txt` and its attachments, as
 * WhatsApp's own "Export chat" unzips, so Chatkeep (`chatkeep import FOLDER --me NAME`) and other
 * tools read it again. Your own messages carry `ownerName`.
 */
export async function exportText(ctx: ExportContext): Promise<WriterResult> {
  const { opts } = ctx;
  // Readers tell chats apart by title (the file name says it), so chats sharing a title in this
  // export get their chat id added: read back, they stay apart. Not "(2)": readers drop that, as
  // it is what a browser adds to a second download of the same file.
  const titles = exportedTitles(ctx.plan.map((c) => ({ id: c.detail.id, title: c.detail.title })));
  let messages = 0;
  for (const chat of ctx.plan) {
    const title = titles.get(chat.detail.id) ?? 'chat';
    messages += await exportChat(ctx, chat, title, title);
  }
  const warnings: string[] = [];
  if (ctx.plan.some((c) => c.detail.members.some((m) => m.name === opts.ownerName))) {
    warnings.push(
      `Someone in these chats is called "${opts.ownerName}", like the name written for your own messages: choose another with --me.`,
    );
  }
  return { entry: null, chats: ctx.plan.length, messages, warnings };
}

/** Exported titles: a chat's own, or with its id when another chat in the export shares it. */
export function exportedTitles(titles: { id: number; title: string }[]): Map<number, string> {
  const seen = new Map<string, number>();
  for (const t of titles) {
    const key = safeFileName(t.title, 60).toLowerCase();
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return new Map(
    titles.map((t) => {
      const base = safeFileName(t.title, 60);
      return [t.id, (seen.get(base.toLowerCase()) ?? 0) > 1 ? `${base} (chat ${t.id})` : base];
    }),
  );
}

async function exportChat(
  ctx: ExportContext,
  chat: PlannedChat,
  dir: string,
  title: string,
): Promise<number> {
  const { out, opts } = ctx;
  out.mkdir(dir);
  const sink = out.open(`${dir}/WhatsApp Chat - ${title}.txt`);
  let fileNo = 0;
  let written = 0;
  const tctx: TextContext = {
    timeZone: opts.timeZone,
    ownerName: authorName(opts.ownerName),
    nextFileNumber: () => ++fileNo,
    includes: (a) => ctx.media.includes(a),
  };
  try {
    for (const slice of chat.months) {
      for (const batch of messagesBetween(
        ctx.store,
        chat.detail.id,
        slice.start,
        slice.end,
        slice.count,
      )) {
        for (const m of batch) {
          if (ctx.filter && !ctx.filter.matches(m)) continue;
          const parts = messageLines(m, tctx);
          for (const line of parts.lines) sink.write(`${line}\r\n`);
          for (const f of parts.files) {
            const target = out.path(`${dir}/${f.name}`);
            try {
              if ('vcard' in f) fs.writeFileSync(target, f.vcard, { flag: 'wx' });
              else if (f.attachment.hash) {
                fs.copyFileSync(
                  ctx.media.sourcePath(f.attachment.hash),
                  target,
                  fs.constants.COPYFILE_EXCL,
                );
                ctx.media.files++;
                ctx.media.bytes += fs.statSync(target).size;
              }
            } catch (error) {
              throw asStorageError(error, target);
            }
          }
          written++;
        }
        sink.flush();
        ctx.progress.add(batch.length);
        await breathe(ctx);
      }
    }
    sink.close();
  } catch (error) {
    sink.abandon();
    throw error;
  }
  return written;
}

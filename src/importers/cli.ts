import type { Command } from 'commander';
import { ChatStore, type IngestResult } from '../store/index.js';
import { commandContext, defaultIo, type CliIo } from '../cli/context.js';
import { CliUsageError } from '../cli/errors.js';
import { formatBytes } from '../cli/format.js';
import { NeedsOwnerError, UnknownFormatError } from './core/errors.js';
import type { ImportOptions, ImportPreview, ImportResult } from './core/types.js';
import { detectImport } from './index.js';

/**
 * `chatkeep import PATH`: the same importers the app runs, from the command line. Global options
 * `--store` and `--json` come from the root program.
 */

interface ImportFlags {
  key?: string;
  keyFile?: string;
  me?: string;
  title?: string;
  media?: string;
  waDb?: string;
  timeZone?: string;
  dateOrder?: 'day-first' | 'month-first';
  inspect?: boolean;
}

/** Missing `--me` on a text export: a usage error (exit 2) that lists the participants. */
export class OwnerRequiredUsageError extends Error {
  readonly code = 'CLI_USAGE' as const;
  constructor(
    message: string,
    readonly result: { needs: 'owner'; participants: string[]; suggestedOwner: string | null },
  ) {
    super(message);
    this.name = 'OwnerRequiredUsageError';
  }
}

function describePreview(p: ImportPreview): string {
  const lines = [
    `${p.messages} messages in ${p.chats.length} chat(s); ${p.media.count} attachments, ${p.media.included} included (${formatBytes(p.media.bytes)})`,
  ];
  if (p.dateRange) {
    lines.push(
      `from ${new Date(p.dateRange.first).toISOString().slice(0, 10)} to ${new Date(p.dateRange.last).toISOString().slice(0, 10)}`,
    );
  }
  for (const c of p.chats.slice(0, 20))
    lines.push(`  ${c.title} (${c.type}): ${c.messages} messages`);
  if (p.chats.length > 20) lines.push(`  ... and ${p.chats.length - 20} more chats`);
  if (p.participants.length > 0 && p.needs.owner) {
    lines.push(`participants: ${p.participants.join(', ')}`);
    if (p.suggestedOwner)
      lines.push(`most likely you: ${p.suggestedOwner} (pass --me "${p.suggestedOwner}")`);
  }
  if (p.needs.key) lines.push('needs the 64-digit key (--key) or the key file (--key-file)');
  return lines.join('\n');
}

function describeResult(r: ImportResult): string {
  const ingest = r.ingest as Partial<IngestResult> | null;
  const added =
    ingest && typeof ingest.messagesAdded === 'number'
      ? ` (${ingest.messagesAdded} new, ${ingest.messagesUpdated ?? 0} updated, ${ingest.messagesSkipped ?? 0} already there)`
      : '';
  return (
    `Imported ${r.messages} messages in ${r.chats} chat(s)${added}; ` +
    `${r.media.stored} media files (${formatBytes(r.media.bytes)})` +
    (r.media.missing > 0 ? `, ${r.media.missing} not found` : '')
  );
}

export function registerImportCommand(program: Command, io?: CliIo): void {
  const cliIo = io ?? defaultIo(new AbortController().signal);
  program
    .command('import')
    .description("import a phone's backup or chat export into the chat store")
    .argument(
      '<path>',
      'export (.txt/.zip/folder), msgstore.db(.crypt14/.crypt15), ChatStorage.sqlite or iPhone backup folder, Telegram result.json or its folder',
    )
    .option('--key <hex>', '64-digit WhatsApp backup key (spaces allowed)')
    .option('--key-file <file>', 'encrypted_backup.key (crypt15) or key (crypt14)')
    .option(
      '--me <name>',
      'who you are in a WhatsApp text export (or your Telegram name / user id)',
    )
    .option('--title <name>', 'chat name for a WhatsApp text export')
    .option('--media <dir>', "the phone's WhatsApp Media folder")
    .option('--wa-db <file>', 'Android wa.db, for contact names')
    .option('--time-zone <iana>', "time zone of a text export (default: this computer's)")
    .option('--date-order <order>', 'day-first or month-first, when a text export cannot tell')
    .option('--inspect', 'only show what would be imported')
    .action(async (path: string, flags: ImportFlags, cmd: Command) => {
      const ctx = commandContext(cmd, cliIo);
      if (flags.key && flags.keyFile)
        throw new CliUsageError('Give either --key or --key-file, not both');
      const found = await detectImport(path);
      if (!found) {
        throw new UnknownFormatError(
          `Chatkeep does not recognise ${path} as a chat export or backup`,
        );
      }
      const { importer, detection } = found;
      ctx.out.info(`${detection.description}`);
      const sink = ctx.progress();
      const opts: ImportOptions = {
        owner: flags.me,
        chatTitle: flags.title,
        key: flags.key,
        keyFile: flags.keyFile,
        mediaDir: flags.media,
        waDbPath: flags.waDb,
        timeZone: flags.timeZone,
        dateOrder: flags.dateOrder,
        signal: cliIo.signal,
        onProgress: (p) =>
          sink.update({
            phase: p.phase,
            itemsDone: p.items,
            itemsTotal: 0,
            bytesDone: p.bytes,
            bytesTotal: p.bytesTotal,
            etaMs: null,
          }),
      };
      try {
        if (flags.inspect || (detection.format === 'whatsapp-export' && !flags.me)) {
          const preview = await importer.inspect(path, opts);
          sink.stop();
          if (!flags.inspect && preview.needs.owner) {
            if (!ctx.out.json) cliIo.stdout.write(`${describePreview(preview)}\n`);
            throw new OwnerRequiredUsageError(
              `A WhatsApp export does not say which participant is you: pass --me NAME` +
                (preview.suggestedOwner ? ` (most likely --me "${preview.suggestedOwner}")` : ''),
              {
                needs: 'owner',
                participants: preview.participants,
                suggestedOwner: preview.suggestedOwner,
              },
            );
          }
          ctx.out.result({ detection, preview }, () => describePreview(preview));
          return;
        }
        const store = ChatStore.open(ctx.g.store);
        try {
          const result = await importer.import(path, store, opts);
          sink.stop();
          for (const w of result.warnings) ctx.out.warn(w);
          ctx.out.result({ detection, result }, () => describeResult(result));
        } catch (e) {
          if (e instanceof NeedsOwnerError) {
            throw new OwnerRequiredUsageError(e.message, {
              needs: 'owner',
              participants: e.participants,
              suggestedOwner: e.suggestedOwner,
            });
          }
          throw e;
        } finally {
          store.close();
        }
      } finally {
        sink.stop();
      }
    });
}

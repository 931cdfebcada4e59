import type { Command } from 'commander';
import path from 'node:path';
import {
  DEFAULT_OWNER_NAME,
  EXPORT_FORMATS,
  estimateExport,
  parseDateOption,
  parseMediaTypes,
  runExport,
  singleFileWarning,
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
} from '../../export/index.js';
import { systemTimeZone } from '../../node/local-time.js';
import { ChatStore } from '../../store/index.js';
import { MEDIA_TYPES } from '../../store/records.js';
import { commandContext, type CliIo } from '../context.js';
import { CliUsageError } from '../errors.js';
import { formatBytes, formatTime } from '../format.js';
import { checkStoreDir } from '../store-dir.js';
import { CLI_VERSION } from '../version.js';

interface ExportFlags {
  out?: string;
  chat?: string[];
  all?: boolean;
  format: string;
  from?: string;
  to?: string;
  media: string;
  search?: string;
  singleFile?: boolean;
  timeZone?: string;
  me: string;
  list?: boolean;
}

function describe(r: ExportResult): string {
  const lines = [
    `Exported ${r.chats.toLocaleString('en')} chat${r.chats === 1 ? '' : 's'}, ${r.messages.toLocaleString('en')} messages` +
      (r.mediaFiles > 0 ? ` and ${r.mediaFiles} media files (${formatBytes(r.mediaBytes)})` : '') +
      ` to ${r.outDir} (${formatBytes(r.bytesWritten)}).`,
  ];
  if (r.entry && r.format === 'html')
    lines.push(`Open ${path.join(r.outDir, r.entry)} in a browser.`);
  if (r.format === 'txt') {
    lines.push(
      'Each chat is a folder in WhatsApp\'s export format ("chatkeep import FOLDER --me NAME" reads it).',
    );
  }
  return lines.join('\n');
}

/**
 * `chatkeep export`: chats as an HTML archive, WhatsApp-format text or JSON records, from the
 * store (opened read-only: an export never changes it).
 */
export function registerExportCommand(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('export chats: an HTML archive, WhatsApp-format text or JSON')
    .option('-o, --out <dir>', 'a new or empty folder to export into')
    .option('--chat <id...>', 'the chats to export, by id (see --list)')
    .option('--all', 'export every chat')
    .option('--format <format>', `${EXPORT_FORMATS.join(', ')}`, 'html')
    .option('--from <date>', 'only messages from this day on (YYYY-MM-DD, or an ISO time)')
    .option(
      '--to <date>',
      'only messages up to and including this day (YYYY-MM-DD, or an ISO time)',
    )
    .option(
      '--media <types>',
      `media files to include: all, none, or some of ${MEDIA_TYPES.join(',')}`,
      'all',
    )
    .option('--search <words>', 'only messages matching these words (as the app searches)')
    .option('--single-file', 'HTML: one file with the media inside it (warns when it gets large)')
    .option('--time-zone <iana>', "time zone of the dates written (default: this computer's)")
    .option(
      '--me <name>',
      'text exports: the name written for your own messages',
      DEFAULT_OWNER_NAME,
    )
    .option('--list', 'list the chats with their ids, and export nothing')
    .action(async (flags: ExportFlags, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const storeDir = checkStoreDir(ctx.g.store, { existing: true, write: false });
      const store = ChatStore.open(storeDir, { readonly: true, lean: true });
      try {
        if (flags.list) {
          listChats(store, ctx);
          return;
        }
        if (!flags.out)
          throw new CliUsageError('Say where to export with --out DIR (a new or empty folder).');
        if (flags.all && flags.chat)
          throw new CliUsageError('Give either --chat ID... or --all, not both.');
        if (!flags.all && !flags.chat) {
          throw new CliUsageError(
            'Choose the chats: --chat ID (see "chatkeep export --list") or --all.',
          );
        }
        if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) {
          throw new CliUsageError(
            `--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${flags.format}".`,
          );
        }
        const timeZone = flags.timeZone ?? systemTimeZone();
        const chats =
          flags.all === true
            ? ('all' as const)
            : (flags.chat ?? []).map((raw) => {
                if (!/^\d+$/.test(raw)) {
                  throw new CliUsageError(
                    `--chat takes chat ids (numbers; see --list), not "${raw}".`,
                  );
                }
                return Number(raw);
              });
        const options: ExportOptions = {
          format: flags.format as ExportFormat,
          chats,
          from: flags.from !== undefined ? parseDateOption(flags.from, timeZone, false) : null,
          to: flags.to !== undefined ? parseDateOption(flags.to, timeZone, true) : null,
          mediaTypes: parseMediaTypes(flags.media),
          search: flags.search ?? null,
          singleFile: flags.singleFile ?? false,
          timeZone,
          ownerName: flags.me,
          generator: `Chatkeep ${CLI_VERSION}`,
        };
        if (options.singleFile) {
          const estimate = estimateExport(store, options);
          if (estimate.singleFileTooLarge) ctx.out.warn(singleFileWarning(estimate.estimatedBytes));
        }
        const progress = ctx.progress();
        let result: ExportResult;
        try {
          result = await runExport(store, flags.out, options, {
            signal: io.signal,
            onProgress: (p) =>
              progress.update({
                phase: p.phase,
                itemsDone: p.messagesDone,
                itemsTotal: p.messagesTotal,
                bytesDone: p.bytesWritten,
                bytesTotal: 0,
                etaMs: null,
              }),
          });
        } finally {
          progress.stop();
        }
        for (const w of result.warnings) ctx.out.warn(w);
        ctx.out.result({ export: result }, () => describe(result));
      } finally {
        store.close();
      }
    });
}

function listChats(store: ChatStore, ctx: ReturnType<typeof commandContext>): void {
  const chats: {
    id: number;
    title: string;
    type: string;
    messages: number;
    last: string | null;
  }[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = store.listChats({ limit: 500, offset });
    for (const c of page) {
      chats.push({
        id: c.id,
        title: c.title,
        type: c.type,
        messages: c.messageCount,
        last: c.lastMessage ? new Date(c.lastMessage.sentAt).toISOString() : null,
      });
    }
    if (page.length < 500) break;
  }
  ctx.out.result({ chats }, () =>
    chats.length === 0
      ? 'This store holds no chats yet.'
      : chats
          .map(
            (c) =>
              `${String(c.id).padStart(6)}  ${c.title}  (${c.type}, ${c.messages.toLocaleString('en')} messages${c.last ? `, last ${formatTime(c.last).slice(0, 10)}` : ''})`,
          )
          .join('\n'),
  );
}

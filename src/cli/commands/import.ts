import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { IngestResult } from '../../store/index.js';
import { DB_FILE } from '../../store/open-db.js';
import { MEDIA_DIR } from '../../store/chat-store.js';
import { commandContext, defaultIo, type CliIo } from '../context.js';
import { CliUsageError } from '../errors.js';
import { formatBytes } from '../format.js';
import { readSecretFile } from '../secrets.js';
import { runImportJob } from '../../services/import-worker/import-client.js';
import type { PlainImportOptions } from '../../services/import-worker/protocol.js';
import { NeedsKeyError } from '../../importers/core/errors.js';
import type { Detection, ImportPreview, ImportResult } from '../../importers/core/types.js';
import { recogniseImport } from '../../importers/index.js';

/**
 * `chatkeep import PATH`: the same importers the app runs, in the same kind of worker thread, so
 * Ctrl-C or SIGTERM reaches even an import busy in one long synchronous pass (the worker reads a
 * flag shared with this thread) and its temp files are removed by this thread whatever happens.
 * Global options `--store` and `--json` come from the root program.
 */

interface ImportFlags {
  key?: string;
  keyFile?: string;
  passphraseFile?: string;
  me?: string;
  title?: string;
  media?: string;
  waDb?: string;
  timeZone?: string;
  dateOrder?: 'day-first' | 'month-first';
  allowLargeMedia?: boolean;
  inspect?: boolean;
}

/** Environment variable for a Signal backup's passphrase (for scripts; never an argument). */
export const SIGNAL_PASSPHRASE_ENV = 'CHATKEEP_SIGNAL_PASSPHRASE';

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
  if (p.needs.key) {
    lines.push(
      p.format === 'signal-android'
        ? `needs the 30-digit passphrase (--passphrase-file, or ${SIGNAL_PASSPHRASE_ENV})`
        : 'needs the 64-digit key (--key) or the key file (--key-file)',
    );
  }
  for (const w of p.warnings) lines.push(`note: ${w}`);
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

/**
 * A Signal backup's passphrase: from a file, the environment or a prompt on a terminal; never a
 * command-line argument (visible in `ps` and shell history).
 */
async function signalPassphrase(flags: ImportFlags, io: CliIo): Promise<string | undefined> {
  if (flags.passphraseFile) return (await readSecretFile(flags.passphraseFile)).trim();
  const fromEnv = io.secrets.env[SIGNAL_PASSPHRASE_ENV];
  if (fromEnv) return fromEnv.trim();
  if (flags.inspect) return undefined;
  if (!io.secrets.interactive) {
    throw new NeedsKeyError(
      `This Signal backup is encrypted: give its 30-digit passphrase with --passphrase-file FILE or ${SIGNAL_PASSPHRASE_ENV}`,
    );
  }
  return io.secrets.prompt("The Signal backup's 30-digit passphrase:");
}

interface StoreFootprint {
  dir: boolean;
  db: boolean;
  media: boolean;
}

function footprint(dir: string): StoreFootprint {
  return {
    dir: fs.existsSync(dir),
    db: fs.existsSync(path.join(dir, DB_FILE)),
    media: fs.existsSync(path.join(dir, MEDIA_DIR)),
  };
}

/**
 * After a failed import into a store that did not exist before, remove what the import created:
 * a refused import leaves no empty store behind. An existing store is left alone (the import's
 * single transaction already rolled back; media files it copied are harmless orphans).
 */
function removeNewStore(dir: string, before: StoreFootprint): void {
  if (before.db) return;
  if (!before.dir) {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    fs.rmSync(path.join(dir, DB_FILE + suffix), { force: true });
  if (!before.media) fs.rmSync(path.join(dir, MEDIA_DIR), { recursive: true, force: true });
}

export function registerImportCommand(program: Command, io?: CliIo): void {
  const cliIo = io ?? defaultIo(new AbortController().signal);
  program
    .command('import')
    .description("import a phone's backup or chat export into the chat store")
    .argument(
      '<path>',
      'export (.txt/.zip/folder), msgstore.db(.crypt14/.crypt15), ChatStorage.sqlite or iPhone backup folder, Telegram result.json or its folder, Signal .backup',
    )
    .option('--key <hex>', '64-digit WhatsApp backup key (spaces allowed)')
    .option('--key-file <file>', 'encrypted_backup.key (crypt15) or key (crypt14)')
    .option(
      '--passphrase-file <file>',
      `a Signal backup's 30-digit passphrase (or set ${SIGNAL_PASSPHRASE_ENV}; else asked)`,
    )
    .option(
      '--me <name>',
      'who you are in a WhatsApp text export (or your Telegram name / user id)',
    )
    .option('--title <name>', 'chat name for a WhatsApp text export')
    .option('--media <dir>', "the phone's WhatsApp Media folder")
    .option('--wa-db <file>', 'Android wa.db, for contact names')
    .option('--time-zone <iana>', "time zone of a text export (default: this computer's)")
    .option('--date-order <order>', 'day-first or month-first, when a text export cannot tell')
    .option(
      '--allow-large-media',
      'unpack zip entries that expand more than 1000 times or beyond 2 GiB (refused by default)',
    )
    .option('--inspect', 'only show what would be imported')
    .action(async (source: string, flags: ImportFlags, cmd: Command) => {
      const ctx = commandContext(cmd, cliIo);
      if (flags.key && flags.keyFile)
        throw new CliUsageError('Give either --key or --key-file, not both');
      const file = path.resolve(source);
      const { detection } = await recogniseImport(file);
      ctx.out.info(detection.description);
      const key =
        detection.format === 'signal-android' ? await signalPassphrase(flags, cliIo) : flags.key;
      const options: PlainImportOptions = {
        owner: flags.me,
        chatTitle: flags.title,
        key,
        keyFile: flags.keyFile ? path.resolve(flags.keyFile) : undefined,
        mediaDir: flags.media ? path.resolve(flags.media) : undefined,
        waDbPath: flags.waDb ? path.resolve(flags.waDb) : undefined,
        timeZone: flags.timeZone,
        dateOrder: flags.dateOrder,
        allowLargeMedia: flags.allowLargeMedia,
      };
      const sink = ctx.progress();
      const run = (op: 'inspect' | 'import') =>
        runImportJob(
          // A one-shot command leaves a complete store: its search index too.
          { op, path: file, options, storeDir: path.resolve(ctx.g.store), buildSearchIndex: true },
          {
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
          },
        );
      try {
        if (flags.inspect || (detection.format === 'whatsapp-export' && !flags.me)) {
          const { preview } = (await run('inspect')) as {
            detection: Detection;
            preview: ImportPreview;
          };
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
        const storeDir = path.resolve(ctx.g.store);
        const before = footprint(storeDir);
        let result: ImportResult;
        try {
          result = (await run('import')) as ImportResult;
        } catch (e) {
          removeNewStore(storeDir, before);
          const owner = e as { code?: string; participants?: string[]; suggestedOwner?: string };
          if (owner.code === 'NEEDS_OWNER') {
            throw new OwnerRequiredUsageError((e as Error).message, {
              needs: 'owner',
              participants: owner.participants ?? [],
              suggestedOwner: owner.suggestedOwner ?? null,
            });
          }
          throw e;
        }
        sink.stop();
        for (const w of result.warnings) ctx.out.warn(w);
        ctx.out.result({ detection, result }, () => describeResult(result));
      } finally {
        sink.stop();
      }
    });
}

import type { Command } from 'commander';
import type { RestoreResult } from '../../backup/index.js';
import { MEDIA_TYPES } from '../../store/records.js';
import { commandContext, type CliIo } from '../context.js';
import { RestoreIncompleteError } from '../errors.js';
import { formatBytes, formatDuration } from '../format.js';
import { parseMediaTypes, parseNonNegativeInt, parseTime } from '../parse.js';
import { withRepository } from '../repo-session.js';
import { checkStoreDir } from '../store-dir.js';

export function registerRestoreCommand(program: Command, io: CliIo): void {
  program
    .command('restore')
    .description('restore a snapshot (all of it, or some chats, dates and media) into a chat store')
    .argument('[snapshot]', 'snapshot id (or a unique prefix of it) or "latest"', 'latest')
    .option('--target <dir>', 'chat store to restore into (default: --store)')
    .option('--chat <ref...>', 'only these chats: "<source>/<account>/<chat>" or a chat id')
    .option('--from <date>', 'only messages sent at or after this date (YYYY-MM-DD or ISO time)')
    .option('--to <date>', 'only messages sent before this date')
    .option(
      '--media <types>',
      `media to restore: all, none, or a list of ${MEDIA_TYPES.join(',')}`,
      'all',
    )
    .option(
      '--wait-for-sync <seconds>',
      'wait while files still in the cloud keep arriving; give up after SECONDS without progress',
      '120',
    )
    .action(
      async (
        snapshot: string,
        opts: {
          target?: string;
          chat?: string[];
          from?: string;
          to?: string;
          media: string;
          waitForSync: string;
        },
        cmd: Command,
      ) => {
        const ctx = commandContext(cmd, io);
        const target = checkStoreDir(opts.target ?? ctx.g.store, {
          existing: false,
          write: true,
          option: opts.target ? '--target' : '--store',
        });
        const mediaTypes = parseMediaTypes(opts.media);
        const from = opts.from !== undefined ? parseTime(opts.from, '--from') : undefined;
        const to = opts.to !== undefined ? parseTime(opts.to, '--to') : undefined;
        const waitS = parseNonNegativeInt(opts.waitForSync, '--wait-for-sync');
        const started = Date.now();
        const progress = ctx.progress();
        // When the chats became readable: the rows committed, before the search index is built.
        let readableAt: number | undefined;
        const result = await withRepository(
          ctx,
          async (repo) => {
            try {
              return await repo.restore(snapshot, target, {
                chatKeys: opts.chat,
                from,
                to,
                mediaTypes,
                waitForSyncMs: waitS * 1000,
                onProgress: (p) => {
                  if (p.phase === 'index') readableAt ??= Date.now();
                  progress.update(p);
                },
                signal: io.signal,
              });
            } finally {
              progress.stop();
            }
          },
          { warnWithoutMarker: true },
        );
        const elapsedMs = Date.now() - started;
        const doc = {
          target,
          restore: result,
          elapsedMs,
          timings: {
            ...ctx.timings,
            readableMs: (readableAt ?? Date.now()) - started,
            totalMs: elapsedMs,
          },
          ...(ctx.transfer ? { transfer: ctx.transfer } : {}),
        };
        if (!result.complete) {
          if (!ctx.out.json)
            io.stdout.write(`${describeRestore(result)}\n${describeMissing(result)}\n`);
          const onlyNotHere = result.missing.problems.every((p) => p.state !== 'damaged');
          throw new RestoreIncompleteError(
            onlyNotHere
              ? 'Restored everything that is on this computer; the rest of this backup is not ' +
                  'here (not synced yet, or lost). Run restore again once your sync app has ' +
                  'finished; "chatkeep check" tells what is missing.'
              : 'Restored everything readable; some of the backup is damaged (listed above). ' +
                  'Run "chatkeep repair" to save what can be saved.',
            onlyNotHere,
            doc,
          );
        }
        ctx.out.result(
          doc,
          () =>
            `Restored into ${target} in ${formatDuration(elapsedMs)}\n${describeRestore(result)}`,
        );
      },
    );
}

function describeRestore(r: RestoreResult): string {
  return [
    `  ${r.chats} chats, ${r.messages.toLocaleString('en')} messages`,
    `  ${r.mediaFiles.toLocaleString('en')} media files (${formatBytes(r.mediaBytes)})` +
      (r.mediaSkipped
        ? `; ${r.mediaSkipped.toLocaleString('en')} attachments without their file`
        : ''),
  ].join('\n');
}

function describeMissing(r: RestoreResult): string {
  const m = r.missing;
  const lines = ['Could not restore:'];
  for (const c of m.chats.slice(0, 30)) {
    const n =
      c.messages === null ? 'some messages' : `${c.messages} message${c.messages === 1 ? '' : 's'}`;
    lines.push(`  - chat "${c.title}": ${n} from ${c.months.join(', ')}`);
  }
  if (m.chats.length > 30) lines.push(`  - and ${m.chats.length - 30} more chats`);
  if (m.media.length)
    lines.push(
      `  - ${m.media.length} media file(s), ${formatBytes(m.media.reduce((a, x) => a + x.bytes, 0))}`,
    );
  if (m.listParts)
    lines.push(`  - ${m.listParts} part(s) of the backup's own list of chats and files`);
  lines.push('Because of these files:');
  for (const p of m.problems.slice(0, 10))
    lines.push(`  - ${p.object}: ${p.state.replace('-', ' ')}`);
  if (m.problems.length > 10) lines.push(`  - and ${m.problems.length - 10} more`);
  return lines.join('\n');
}

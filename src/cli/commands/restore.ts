import path from 'node:path';
import type { Command } from 'commander';
import { MEDIA_TYPES } from '../../store/records.js';
import { commandContext, type CliIo } from '../context.js';
import { formatDuration } from '../format.js';
import { parseMediaTypes, parseTime } from '../parse.js';
import { withRepository } from '../repo-session.js';

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
    .action(
      async (
        snapshot: string,
        opts: { target?: string; chat?: string[]; from?: string; to?: string; media: string },
        cmd: Command,
      ) => {
        const ctx = commandContext(cmd, io);
        const target = path.resolve(opts.target ?? ctx.g.store);
        const mediaTypes = parseMediaTypes(opts.media);
        const from = opts.from !== undefined ? parseTime(opts.from, '--from') : undefined;
        const to = opts.to !== undefined ? parseTime(opts.to, '--to') : undefined;
        const started = Date.now();
        const progress = ctx.progress();
        const result = await withRepository(ctx, async (repo) => {
          try {
            return await repo.restore(snapshot, target, {
              chatKeys: opts.chat,
              from,
              to,
              mediaTypes,
              onProgress: (p) => progress.update(p),
              signal: io.signal,
            });
          } finally {
            progress.stop();
          }
        });
        const elapsedMs = Date.now() - started;
        ctx.out.result(
          { target, restore: result, elapsedMs, timings: { ...ctx.timings, totalMs: elapsedMs } },
          () =>
            `Restored into ${target} in ${formatDuration(elapsedMs)}\n${describeRestore(result)}`,
        );
      },
    );
}

function describeRestore(result: unknown): string {
  if (result === null || typeof result !== 'object') return '';
  return Object.entries(result as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([k, v]) => `  ${k}: ${String(v)}`)
    .join('\n');
}

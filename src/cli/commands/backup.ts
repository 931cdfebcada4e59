import os from 'node:os';
import type { Command } from 'commander';
import { MEDIA_TYPES } from '../../store/records.js';
import { commandContext, type CliIo } from '../context.js';
import { checkStoreDir } from '../store-dir.js';
import { formatBytes, formatDuration } from '../format.js';
import { parseMediaTypes } from '../parse.js';
import { withRepository } from '../repo-session.js';
import { CLI_VERSION } from '../version.js';

export function registerBackupCommand(program: Command, io: CliIo): void {
  program
    .command('backup')
    .description('back up the chat store: only what changed since the last backup is written')
    .option(
      '--media <types>',
      `media to include: all, none, or a list of ${MEDIA_TYPES.join(',')}`,
      'all',
    )
    .option('--host <name>', 'host name recorded in the snapshot', os.hostname())
    .action(async (opts: { media: string; host: string }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const mediaTypes = parseMediaTypes(opts.media);
      checkStoreDir(ctx.g.store, { existing: true, write: false });
      const started = Date.now();
      const progress = ctx.progress();
      const summary = await withRepository(ctx, async (repo) => {
        try {
          return await repo.backup(ctx.g.store, {
            mediaTypes,
            host: opts.host,
            appVersion: `chatkeep-cli ${CLI_VERSION}`,
            onProgress: (p) => progress.update(p),
            signal: io.signal,
          });
        } finally {
          progress.stop();
        }
      });
      const elapsedMs = Date.now() - started;
      ctx.out.result(
        {
          snapshot: summaryForJson(summary),
          elapsedMs,
          timings: { ...ctx.timings, totalMs: elapsedMs },
          ...(ctx.transfer ? { transfer: ctx.transfer } : {}),
        },
        () =>
          [
            `Snapshot ${summary.id} saved (#${summary.seq}) in ${formatDuration(elapsedMs)}`,
            `  ${summary.messageCount} messages in ${summary.chats.count} chats`,
            `  ${formatBytes(summary.sizeAdded)} written to the repository`,
          ].join('\n'),
      );
    });
}

/** Snapshot summaries without their per-chat list, which can be thousands of entries long. */
export function summaryForJson<T extends { chats: { count: number } }>(s: T): T {
  return { ...s, chats: { count: s.chats.count } };
}

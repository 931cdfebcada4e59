import type { Command } from 'commander';
import { commandContext, type CliIo } from '../context.js';
import { formatBytes, formatTime } from '../format.js';
import { withRepository } from '../repo-session.js';
import { summaryForJson } from './backup.js';

export function registerSnapshotsCommand(program: Command, io: CliIo): void {
  program
    .command('snapshots')
    .description('list the snapshots in the repository, oldest first')
    .option('--chats', "include each snapshot's chat list")
    .action(async (opts: { chats?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const snapshots = await withRepository(ctx, (repo) => repo.snapshots());
      ctx.out.result(
        { snapshots: opts.chats ? snapshots : snapshots.map((s) => summaryForJson(s)) },
        () => {
          if (snapshots.length === 0) return 'No snapshots yet.';
          const rows = snapshots.map((s) => [
            s.id.slice(0, 12),
            String(s.seq),
            formatTime(s.time),
            s.host ?? '',
            String(s.chats.count),
            String(s.messageCount),
            formatBytes(s.sizeAdded),
          ]);
          return table(['ID', 'SEQ', 'TIME (UTC)', 'HOST', 'CHATS', 'MESSAGES', 'ADDED'], rows);
        },
      );
    });
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

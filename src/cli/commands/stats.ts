import type { Command } from 'commander';
import { commandContext, type CliIo } from '../context.js';
import { formatBytes } from '../format.js';
import { withRepository } from '../repo-session.js';

export function registerStatsCommand(program: Command, io: CliIo): void {
  program
    .command('stats')
    .description('sizes and counts: snapshots, stored data, de-duplication')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const stats = await withRepository(ctx, (repo) => repo.stats());
      ctx.out.result({ stats }, () =>
        Object.entries(stats as object)
          .map(([k, v]) =>
            typeof v === 'number' && /bytes|size/i.test(k)
              ? `${k}: ${formatBytes(v)}`
              : `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
          )
          .join('\n'),
      );
    });
}

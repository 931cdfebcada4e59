import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { LockHolder } from '../../backup/index.js';
import { commandContext, type CliIo } from '../context.js';
import { CliUsageError } from '../errors.js';
import { formatTime } from '../format.js';
import { withRepository } from '../repo-session.js';

export function registerUnlockCommand(program: Command, io: CliIo): void {
  program
    .command('unlock')
    .description(
      'remove the locks of a backup or maintenance task that crashed (for example on another computer)',
    )
    .option('--yes', 'do not ask for confirmation')
    .action(async (opts: { yes?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const removed = await withRepository(ctx, async (repo) => {
        const holders = await repo.locks();
        if (holders.length === 0) return [];
        if (!opts.yes) {
          if (!io.secrets.interactive) {
            throw new CliUsageError(
              `${describe(holders)}\nRemoving these locks lets this computer work on the backup while ` +
                'they may still be in use. Pass --yes to remove them.',
            );
          }
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            const answer = await rl.question(
              `${describe(holders)}\nOnly remove them if that task is no longer running. Remove? [y/N] `,
            );
            if (!/^y(es)?$/i.test(answer.trim())) return [];
          } finally {
            rl.close();
          }
        }
        return repo.unlock(holders.map((h) => h.lock));
      });
      ctx.out.result({ removed }, () =>
        removed.length === 0 ? 'No locks removed.' : `Removed:\n${describe(removed)}`,
      );
    });
}

function describe(holders: LockHolder[]): string {
  return holders
    .map(
      (h) =>
        `  - ${h.exclusive ? 'backup or maintenance' : 'restore or check'} on ${h.host} ` +
        `(process ${h.pid}), since ${formatTime(h.time)}`,
    )
    .join('\n');
}

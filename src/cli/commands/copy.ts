import type { Command } from 'commander';
import { Repository } from '../../backup/index.js';
import { openLocation, requireLocation } from '../backend-access.js';
import { commandContext, type CliIo } from '../context.js';
import { CheckFailedError, CliUsageError } from '../errors.js';
import { withRepository } from '../repo-session.js';

export function registerCopyCommand(program: Command, io: CliIo): void {
  program
    .command('copy')
    .description(
      'copy the whole backup to another place (a folder or a server), then verify the copy',
    )
    .option('--from <location>', 'the backup to copy (default: --repo)')
    .requiredOption('--to <location>', 'where to copy it: an empty place, or an unfinished copy')
    .option('--read-data', 'verify every byte of the copy, not only its structure')
    .action(async (opts: { from?: string; to: string; readData?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      if (opts.from !== undefined) ctx.g.repo = opts.from;
      const from = requireLocation(ctx, undefined, opts.from !== undefined ? '--from' : '--repo');
      const to = requireLocation(ctx, opts.to, '--to');
      if (JSON.stringify(from) === JSON.stringify(to)) {
        throw new CliUsageError('--from and --to are the same place: nothing to copy.');
      }
      const progress = ctx.progress();
      const result = await withRepository(ctx, async (repo) => {
        const target = await openLocation(ctx, to);
        try {
          const copied = await repo.copyTo(target, {
            onProgress: (p) => progress.update(p),
            signal: io.signal,
          });
          // The copy counts only once it opens with this backup's key and checks clean.
          const copy = await Repository.openWithMasterKey(target, repo.exportMasterKey());
          try {
            const check = await copy.check({
              readData: Boolean(opts.readData),
              onProgress: (p) => progress.update(p),
            });
            progress.stop();
            const n = check.problems.length + check.notHere.length;
            if (n > 0) {
              throw Object.assign(new CheckFailedError(n, check), {
                message:
                  `The copy does not verify (${n} problem${n === 1 ? '' : 's'}): keep using the ` +
                  'original, and run the same copy command again to complete it.',
              });
            }
            return { copied, check, transferTo: target.stats ?? null };
          } finally {
            await copy.close();
          }
        } finally {
          progress.stop();
          await target.close?.();
        }
      });
      ctx.out.result(
        {
          copy: result.copied,
          check: result.check,
          ...(ctx.transfer ? { transfer: ctx.transfer } : {}),
          ...(result.transferTo ? { transferTo: result.transferTo } : {}),
        },
        () =>
          [
            `Copied ${result.copied.copied} files (${result.copied.alreadyThere} were there already).`,
            `The copy verifies${opts.readData ? ', every byte read back' : ''}: you can switch to it.`,
          ].join('\n'),
      );
    });
}

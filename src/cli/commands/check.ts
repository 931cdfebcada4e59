import type { Command } from 'commander';
import { syncAdvice, type CheckProblem, type CheckReport } from '../../backup/index.js';
import { commandContext, type CliIo } from '../context.js';
import { CheckFailedError, CheckNotSyncedError } from '../errors.js';
import { parsePercent } from '../parse.js';
import { withRepository } from '../repo-session.js';

export function registerCheckCommand(program: Command, io: CliIo): void {
  program
    .command('check')
    .description('verify the repository: structure always; with --read-data, every byte of data')
    .option('--read-data', 'download, decrypt and verify all data')
    .option('--read-data-subset <pct>', 'verify a random PCT percent of the data')
    .action(async (opts: { readData?: boolean; readDataSubset?: string }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const readDataPercent =
        opts.readDataSubset !== undefined
          ? parsePercent(opts.readDataSubset, '--read-data-subset')
          : undefined;
      const progress = ctx.progress();
      const report: CheckReport = await withRepository(
        ctx,
        async (repo) => {
          try {
            return await repo.check({
              readData: Boolean(opts.readData) || readDataPercent !== undefined,
              readDataPercent: opts.readData ? 100 : readDataPercent,
              onProgress: (p) => progress.update(p),
            });
          } finally {
            progress.stop();
          }
        },
        { warnWithoutMarker: true },
      );
      const problems = report.problems;
      if (problems.length > 0) {
        if (!ctx.out.json) {
          io.stdout.write(
            [
              'The repository has problems:',
              ...problems.map((p) => `  - ${describeProblem(p)}`),
              '',
              'Run "chatkeep repair" to put back what can be saved (damaged files are moved into',
              'the folder "damaged", never deleted).',
              '',
            ].join('\n'),
          );
        }
        throw new CheckFailedError(problems.length, report);
      }
      if (report.notHere.length > 0) {
        const n = report.notHere.length;
        throw new CheckNotSyncedError(
          `No damage found, but ${n} file${n === 1 ? '' : 's'} of this backup ` +
            `${n === 1 ? 'is' : 'are'} not on this computer yet and could not be checked. ${syncAdvice()}`,
          report,
        );
      }
      ctx.out.result(
        {
          check: report,
          timings: ctx.timings,
          ...(ctx.transfer ? { transfer: ctx.transfer } : {}),
        },
        () => ['No problems found.', ...report.notes.map((n) => `  note: ${n}`)].join('\n'),
      );
    });
}

function describeProblem(p: CheckProblem): string {
  const lines = [p.message];
  const a = p.affected;
  if (a) {
    if (a.snapshots.length) lines.push(`    affects ${a.snapshots.length} snapshot(s)`);
    for (const c of a.chats.slice(0, 20)) {
      lines.push(`    chat "${c.title}" (${c.chatRef}), months ${c.months.join(', ')}`);
    }
    if (a.chats.length > 20) lines.push(`    and ${a.chats.length - 20} more chats`);
    if (a.media.length) lines.push(`    ${a.media.length} media file(s)`);
  }
  return lines.join('\n');
}

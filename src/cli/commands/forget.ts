import type { Command } from 'commander';
import { commandContext, type CliIo } from '../context.js';
import { CliUsageError } from '../errors.js';
import { formatBytes, formatTime } from '../format.js';
import { parseNonNegativeInt } from '../parse.js';
import { markerState, withRepository } from '../repo-session.js';
import os from 'node:os';
import type { CommandContext } from '../context.js';
import type { PruneOptions } from '../../backup/index.js';
import { summaryForJson } from './backup.js';

interface ForgetOpts {
  keepLast?: string;
  keepDaily?: string;
  keepWeekly?: string;
  keepMonthly?: string;
  prune?: boolean;
  dryRun?: boolean;
}

export function registerForgetCommands(program: Command, io: CliIo): void {
  program
    .command('forget')
    .description('remove snapshots outside a retention policy (add --prune to free their space)')
    .option('--keep-last <n>', 'keep the N newest snapshots')
    .option('--keep-daily <n>', 'keep the newest snapshot of each of the last N days')
    .option('--keep-weekly <n>', 'keep the newest snapshot of each of the last N weeks')
    .option('--keep-monthly <n>', 'keep the newest snapshot of each of the last N months')
    .option('--prune', 'then delete the data no snapshot needs any more')
    .option('--dry-run', 'only say what would be removed')
    .action(async (opts: ForgetOpts, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const policy = {
        keepLast: optionalCount(opts.keepLast, '--keep-last'),
        keepDaily: optionalCount(opts.keepDaily, '--keep-daily'),
        keepWeekly: optionalCount(opts.keepWeekly, '--keep-weekly'),
        keepMonthly: optionalCount(opts.keepMonthly, '--keep-monthly'),
      };
      if (Object.values(policy).every((v) => !v)) {
        // An empty policy would remove every snapshot: refuse rather than guess.
        throw new CliUsageError('forget needs at least one --keep-* option greater than 0');
      }
      const { forgot, pruned } = await withRepository(ctx, async (repo) => {
        const forgot = await repo.forget(policy, { dryRun: Boolean(opts.dryRun) });
        const pruned =
          opts.prune && !opts.dryRun ? await repo.prune(await pruneOptions(ctx, {})) : null;
        return { forgot, pruned };
      });
      ctx.out.result(
        {
          dryRun: Boolean(opts.dryRun),
          kept: forgot.kept.map((s) => summaryForJson(s)),
          removed: forgot.removed.map((s) => summaryForJson(s)),
          prune: pruned,
        },
        () => {
          const verb = opts.dryRun ? 'Would remove' : 'Removed';
          const lines = [
            `${verb} ${forgot.removed.length} snapshot(s), keeping ${forgot.kept.length}.`,
          ];
          for (const s of forgot.removed)
            lines.push(`  - ${s.id.slice(0, 12)}  ${formatTime(s.time)}`);
          if (pruned) lines.push(describePrune(pruned));
          return lines.join('\n');
        },
      );
    });

  program
    .command('prune')
    .description(
      'delete data that no snapshot needs and repack partly used packs (in stages, each after a ' +
        'grace period, so computers sharing a slowly syncing folder stay safe)',
    )
    .option(
      '--grace <hours>',
      'hours between the stages of deleting (0: at once; only when no other computer uses the folder)',
      '24',
    )
    .option('--take-over', 'make this computer the one that runs maintenance for this backup')
    .action(async (opts: { grace: string; takeOver?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const progress = ctx.progress();
      const pruneOpts = await pruneOptions(ctx, opts);
      const report = await withRepository(ctx, async (repo) => {
        try {
          return await repo.prune({ ...pruneOpts, onProgress: (p) => progress.update(p) });
        } finally {
          progress.stop();
        }
      });
      ctx.out.result({ prune: report }, () => describePrune(report));
    });
}

export async function pruneOptions(
  ctx: CommandContext,
  opts: { grace?: string; takeOver?: boolean },
): Promise<PruneOptions> {
  const hours = opts.grace === undefined ? 24 : Number(opts.grace);
  if (!Number.isFinite(hours) || hours < 0)
    throw new CliUsageError(`--grace needs a number of hours, got "${opts.grace}"`);
  return {
    graceMs: hours * 3600_000,
    takeOver: Boolean(opts.takeOver),
    client: { clientId: await markerState(ctx).clientId(), host: os.hostname() },
  };
}

function optionalCount(value: string | undefined, option: string): number | undefined {
  return value === undefined ? undefined : parseNonNegativeInt(value, option);
}

export function describePrune(report: object): string {
  const lines = ['Prune:'];
  for (const [k, v] of Object.entries(report)) {
    if (typeof v === 'number') lines.push(`  ${k}: ${/bytes|size/i.test(k) ? formatBytes(v) : v}`);
  }
  const blocked = (report as { blockedBy?: string[] }).blockedBy ?? [];
  if (blocked.length > 0) {
    lines.push(
      `  nothing new was deleted: ${blocked.length} snapshot file(s) cannot be read, and what they ` +
        'use is unknown. Run "chatkeep repair" (or wait for the sync to finish).',
    );
  }
  return lines.join('\n');
}

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { RepairReport } from '../../backup/index.js';
import { openStoreSource } from '../../backup/store-adapter.js';
import { commandContext, type CliIo } from '../context.js';
import { RepairIncompleteError } from '../errors.js';
import { withRepository } from '../repo-session.js';
import { checkStoreDir } from '../store-dir.js';

export function registerRepairCommand(program: Command, io: CliIo): void {
  program
    .command('repair')
    .description(
      'put a damaged backup back in order: rebuild the index, adopt sync-conflict copies, move ' +
        'damaged files into "damaged/" (never deleting them) and upload again what the chat store still has',
    )
    .option('--no-store', 'do not use the chat store (--store) to upload lost data again')
    .action(async (opts: { store: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const useStore =
        opts.store !== false &&
        existsSync(ctx.g.store) &&
        checkStoreDir(ctx.g.store, { existing: true, write: false }) !== '';
      const progress = ctx.progress();
      const report = await withRepository(ctx, async (repo) => {
        const source = useStore ? openStoreSource(ctx.g.store) : null;
        try {
          return await repo.repair({
            source,
            onProgress: (p) => progress.update(p),
            signal: io.signal,
          });
        } finally {
          progress.stop();
          await source?.close();
        }
      });
      const remaining = report.remaining;
      const lost = remaining ? remaining.problems.length : 0;
      if (lost > 0) {
        if (!ctx.out.json) io.stdout.write(`${describeRepair(report)}\n`);
        throw new RepairIncompleteError(
          `Repair saved what it could; ${lost} problem${lost === 1 ? '' : 's'} remain (listed ` +
            'above): that part of the backup cannot be restored. New backups are complete again.',
          { repair: report },
        );
      }
      ctx.out.result({ repair: report }, () => describeRepair(report));
    });
}

export function describeRepair(r: RepairReport): string {
  const lines = ['Repair:'];
  const add = (n: number, what: string): void => {
    if (n > 0) lines.push(`  ${what.replace('N', n.toLocaleString('en'))}`);
  };
  add(r.keyFilesRestored?.length ?? 0, 'N key or config file(s) written back from a sound copy');
  add(r.conflictCopiesAdopted.length, 'N conflict copy(ies) made by a sync app put back in place');
  add(r.blobsSalvaged, 'N piece(s) of data saved from damaged files');
  add(r.blobsRebuilt, 'N piece(s) of lost data uploaded again from the chat store');
  add(r.movedAside.length, 'N damaged file(s) moved into the folder "damaged"');
  if (r.indexRebuilt) lines.push('  the index was rebuilt from the data files');
  if (r.notHere.length)
    lines.push(
      `  ${r.notHere.length} file(s) not on this computer yet were left alone: repair again once they are`,
    );
  if (r.stillChanging.length)
    lines.push(
      `  ${r.stillChanging.length} file(s) still being written by a sync app were left alone`,
    );
  for (const p of r.remaining?.problems ?? []) {
    lines.push(`  could not save: ${p.message}`);
    for (const c of p.affected?.chats.slice(0, 10) ?? [])
      lines.push(`    chat "${c.title}", months ${c.months.join(', ')}`);
    if (p.affected?.media.length) lines.push(`    ${p.affected.media.length} media file(s)`);
  }
  if (lines.length === 1) lines.push('  nothing needed repair');
  return lines.join('\n');
}

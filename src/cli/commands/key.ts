import type { Command } from 'commander';
import { Option } from 'commander';
import { commandContext, type CliIo } from '../context.js';
import { CliUsageError } from '../errors.js';
import { formatTime } from '../format.js';
import { withRepository } from '../repo-session.js';
import { newPassword, NEW_PASSWORD_ENV } from '../secrets.js';
import { describePrune, pruneOptions } from './forget.js';
import { table } from './snapshots.js';

/**
 * Said after every key change and by `key reencrypt`: what a copy of an old key file can still
 * open, in words a person can act on.
 */
const OLD_COPIES_NOTE =
  'Copies of the old key file that your cloud keeps (version history, trash) can still open ' +
  'the backups made before this change, with the old password or key, until you run ' +
  '"chatkeep key reencrypt".';

export function registerKeyCommands(program: Command, io: CliIo): void {
  const key = program
    .command('key')
    .description('manage the passwords and recovery keys that open the repository');

  key
    .command('list')
    .description('list key slots')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const keys = await withRepository(ctx, (repo) => repo.listKeys());
      ctx.out.result({ keys }, () =>
        table(
          ['ID', 'KIND', 'KEY', 'CREATED (UTC)'],
          keys.map((k) => [k.id, k.kind, String(k.epoch ?? 0), formatTime(k.createdAt)]),
        ),
      );
    });

  key
    .command('add')
    .description('add a password (default) or a recovery key')
    .option('--recovery', 'add a recovery key instead of a password, and print it once')
    .addOption(new Option('--new-password-file <file>', 'read the new password from a file'))
    .addOption(testKdfOption())
    .action(
      async (
        opts: { recovery?: boolean; newPasswordFile?: string; insecureTestKdf?: boolean },
        cmd: Command,
      ) => {
        const ctx = commandContext(cmd, io);
        if (opts.recovery) {
          const { slot, recoveryKey } = await withRepository(ctx, (repo) => repo.addRecoveryKey());
          ctx.out.result({ key: slot, recoveryKey }, () =>
            [
              `Added recovery key slot ${slot.id}.`,
              'Write this key down; it is shown only this once:',
              '',
              `    ${recoveryKey}`,
            ].join('\n'),
          );
          return;
        }
        // Ask for the new password before opening, so a long prompt never holds the lock.
        const password = await newPassword(opts.newPasswordFile, NEW_PASSWORD_ENV, io.secrets);
        const slot = await withRepository(ctx, (repo) => {
          if (opts.insecureTestKdf) repo.setTestKdf(TEST_KDF);
          return repo.addPassword(password);
        });
        ctx.out.result({ key: slot }, () => `Added password slot ${slot.id}.`);
      },
    );

  key
    .command('remove')
    .description('remove a key slot (the last one is never removed)')
    .argument('<id>', 'key slot id (see "key list")')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const result = await withRepository(ctx, async (repo) =>
        repo.removeKey(await resolveSlot(repo, id)),
      );
      ctx.out.result({ removed: id, ...result }, () =>
        [`Removed key slot ${id}.`, keyChangeNote(result)].join('\n'),
      );
    });

  key
    .command('passwd')
    .description(
      'change a password: backups made from now on use a new key the old password never had',
    )
    .argument('[id]', 'password slot to change (needed when there are several)')
    .addOption(new Option('--new-password-file <file>', 'read the new password from a file'))
    .addOption(testKdfOption())
    .action(
      async (
        id: string | undefined,
        opts: { newPasswordFile?: string; insecureTestKdf?: boolean },
        cmd: Command,
      ) => {
        const ctx = commandContext(cmd, io);
        const password = await newPassword(opts.newPasswordFile, NEW_PASSWORD_ENV, io.secrets);
        const changed = await withRepository(ctx, async (repo) => {
          if (opts.insecureTestKdf) repo.setTestKdf(TEST_KDF);
          const slotId = id ? await resolveSlot(repo, id) : await onlyPasswordSlot(repo);
          // The new password lives in a new slot (written before the old one is deleted); a new
          // key moves the other slots to new files too.
          const { newSlot, ...result } = await repo.changePassword(slotId, password);
          return { slotId, newSlotId: newSlot?.id ?? null, ...result };
        });
        ctx.out.result(changed, () =>
          [
            `Changed the password: slot ${changed.slotId} is now slot ${changed.newSlotId ?? '?'}.`,
            keyChangeNote(changed),
          ].join('\n'),
        );
      },
    );

  key
    .command('reencrypt')
    .description(
      'rewrite the whole backup with the newest key, so copies of old key files open nothing',
    )
    .option(
      '--grace <hours>',
      'hours before the old files are deleted, as for prune (0: at once; only when no other ' +
        'computer uses the folder)',
      '24',
    )
    .option('--take-over', 'make this computer the one that runs maintenance for this backup')
    .action(async (opts: { grace: string; takeOver?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd, io);
      const progress = ctx.progress();
      const reencryptOpts = await pruneOptions(ctx, opts);
      const report = await withRepository(ctx, async (repo) => {
        try {
          return await repo.reencrypt({
            ...reencryptOpts,
            onProgress: (p) => progress.update(p),
          });
        } finally {
          progress.stop();
        }
      });
      ctx.out.result({ reencrypt: report }, () => {
        const left =
          report.remaining.packs + report.remaining.indexFiles + report.remaining.snapshots;
        return [
          `Re-encrypted with key ${report.epoch}: ${report.blobsCopied} blobs from ` +
            `${report.packsCopied} data files copied, ${report.snapshotsRewritten} snapshots rewritten.`,
          left === 0
            ? 'Nothing in the backup opens with an older password or key any more.'
            : `${report.remaining.packs} data, ${report.remaining.indexFiles} index and ` +
              `${report.remaining.snapshots} snapshot files made with an older key are still in ` +
              'the folder (they wait for the grace period, or could not be read); run this again ' +
              'after it to remove them.',
          'Your cloud may still keep copies of deleted files in its version history or trash; ' +
            'emptying them removes the old files for good.',
          describePrune(report.prune),
        ].join('\n');
      });
    });
}

function keyChangeNote(result: { rotated: boolean; reason?: string }): string {
  return result.rotated
    ? `Backups made from now on use a new key. ${OLD_COPIES_NOTE}`
    : `The backup keeps its key: ${result.reason ?? ''}`;
}

/** Tests only: the engine accepts these weak Argon2id parameters only with its test switch. */
const TEST_KDF = { opsLimit: 1, memLimit: 8192 };

function testKdfOption(): Option {
  return new Option('--insecure-test-kdf', 'weakest password hashing (tests only)').hideHelp();
}
interface KeyLister {
  listKeys(): Promise<Array<{ id: string; kind: string }>>;
}

async function resolveSlot(repo: KeyLister, idOrPrefix: string): Promise<string> {
  const matches = (await repo.listKeys()).filter((k) => k.id.startsWith(idOrPrefix));
  if (matches.length === 1 && matches[0]) return matches[0].id;
  throw new CliUsageError(
    matches.length === 0
      ? `No key slot ${idOrPrefix}`
      : `Key slot prefix ${idOrPrefix} is ambiguous`,
  );
}

async function onlyPasswordSlot(repo: KeyLister): Promise<string> {
  const slots = (await repo.listKeys()).filter((k) => k.kind === 'password');
  if (slots.length === 1 && slots[0]) return slots[0].id;
  throw new CliUsageError(
    slots.length === 0
      ? 'This repository has no password slot; add one with "key add"'
      : 'There are several passwords: name the slot to change ("key list" shows them)',
  );
}

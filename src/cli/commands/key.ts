import type { Command } from 'commander';
import { Option } from 'commander';
import { commandContext, type CliIo } from '../context.js';
import { CliUsageError } from '../errors.js';
import { formatTime } from '../format.js';
import { withRepository } from '../repo-session.js';
import { newPassword, NEW_PASSWORD_ENV } from '../secrets.js';
import { table } from './snapshots.js';

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
          ['ID', 'KIND', 'CREATED (UTC)'],
          keys.map((k) => [k.id, k.kind, formatTime(k.createdAt)]),
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
      await withRepository(ctx, async (repo) => repo.removeKey(await resolveSlot(repo, id)));
      ctx.out.result({ removed: id }, () => `Removed key slot ${id}.`);
    });

  key
    .command('passwd')
    .description('change a password (re-wraps the key; no data is re-encrypted)')
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
          const before = new Set((await repo.listKeys()).map((k) => k.id));
          await repo.changePassword(slotId, password);
          // The new password lives in a new slot (written before the old one is deleted).
          const added = (await repo.listKeys()).find((k) => !before.has(k.id));
          return { slotId, newSlotId: added?.id ?? null };
        });
        ctx.out.result(
          changed,
          () =>
            `Changed the password: slot ${changed.slotId} is now slot ${changed.newSlotId ?? '?'}.`,
        );
      },
    );
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

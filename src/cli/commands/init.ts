import type { Command } from 'commander';
import { Option } from 'commander';
import { Repository } from '../../backup/index.js';
import { commandContext, type CliIo } from '../context.js';
import { requireLocation } from '../backend-access.js';
import { repoBackend } from '../repo-session.js';
import { newPassword, PASSWORD_ENV } from '../secrets.js';

const LOSS_WARNING =
  'Keep the password (and the recovery key, if you made one) somewhere safe. They are the only ' +
  'way to open this backup: if both are lost, the backup is lost. Nobody, including Chatkeep, ' +
  'can reset them.';

export function registerInitCommand(program: Command, io: CliIo): void {
  program
    .command('init')
    .description('create a new encrypted backup repository in a folder or on a server you own')
    .option('--with-recovery-key', 'also create a 64-digit recovery key and print it once')
    .addOption(
      new Option('--insecure-test-kdf', 'weakest password hashing (tests only)').hideHelp(),
    )
    .action(
      async (opts: { withRecoveryKey?: boolean; insecureTestKdf?: boolean }, cmd: Command) => {
        const ctx = commandContext(cmd, io);
        // A location Chatkeep does not understand is refused before anything is asked.
        const location = requireLocation(ctx);
        const password = await newPassword(
          ctx.g.passwordFile,
          PASSWORD_ENV,
          io.secrets,
          '--password-file',
        );
        // Tests spawn the CLI hundreds of times; Argon2id MODERATE (~0.7 s) on each would
        // dominate. The engine refuses these parameters without its explicit test flag.
        const testKdf = opts.insecureTestKdf
          ? { kdf: { opsLimit: 1, memLimit: 8192 }, insecureTestKdf: true }
          : {};
        const { repoPath, backend } = await repoBackend(ctx, location);
        try {
          await initIn(backend, repoPath);
        } finally {
          await backend.close?.();
        }

        async function initIn(backend: Parameters<typeof Repository.init>[0], repoPath: string) {
          const { repo, recoveryKey: initialKey } = await Repository.init(
            backend,
            { password },
            testKdf,
          );
          try {
            let recoveryKey = initialKey;
            if (opts.withRecoveryKey && !recoveryKey)
              recoveryKey = (await repo.addRecoveryKey()).recoveryKey;
            ctx.out.result(
              {
                repo: repoPath,
                repoId: repo.repoId,
                recoveryKey: recoveryKey ?? null,
                warning: LOSS_WARNING,
              },
              () => {
                const lines = [`Created backup repository ${repo.repoId} in ${repoPath}`];
                if (recoveryKey) {
                  lines.push(
                    '',
                    'Recovery key (write it down; it is shown only this once):',
                    '',
                    `    ${recoveryKey}`,
                    '',
                  );
                }
                lines.push(LOSS_WARNING);
                return lines.join('\n');
              },
            );
          } finally {
            await repo.close();
          }
        }
      },
    );
}

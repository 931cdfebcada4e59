import { Command, Option } from 'commander';
import { defaultStoreDir } from './app-paths.js';
import type { CliIo } from './context.js';
import { EXIT_CODE_HELP } from './exit-codes.js';
import { PASSWORD_ENV } from './secrets.js';
import { CLI_VERSION } from './version.js';
import { registerBackupCommand } from './commands/backup.js';
import { registerCheckCommand } from './commands/check.js';
import { registerExportCommand } from './commands/export.js';
import { registerForgetCommands } from './commands/forget.js';
import { registerInitCommand } from './commands/init.js';
import { registerKeyCommands } from './commands/key.js';
import { registerRepairCommand } from './commands/repair.js';
import { registerRestoreCommand } from './commands/restore.js';
import { registerUnlockCommand } from './commands/unlock.js';
import { registerSnapshotsCommand } from './commands/snapshots.js';
import { registerStatsCommand } from './commands/stats.js';

/**
 * Adds subcommands from another module (e.g. `chatkeep import` from src/cli/commands/import.ts).
 * Actions can read the global options with `cmd.optsWithGlobals()` (see GlobalOptions) and
 * should throw errors with a stable `code`; src/cli/main.ts turns those into exit codes.
 */
export type ProgramExtension = (program: Command, io: CliIo) => void;

export function buildProgram(io: CliIo, extensions: ProgramExtension[] = []): Command {
  const program = new Command('chatkeep')
    .description('Chatkeep: end-to-end encrypted, incremental backups of your chat store')
    .version(CLI_VERSION, '-V, --version')
    .showHelpAfterError('(run "chatkeep --help" for usage)')
    .configureHelp({ showGlobalOptions: true })
    .option('-r, --repo <path>', 'backup repository folder (or CHATKEEP_REPO)')
    .option(
      '-s, --store <dir>',
      "chat store folder (default: the desktop app's)",
      defaultStoreDir(),
    )
    .option('--password-file <file>', `read the password from a file (or set ${PASSWORD_ENV})`)
    .option('--recovery-key-file <file>', 'open with the recovery key in this file')
    .option('--recovery-key', 'prompt for the recovery key instead of the password')
    .option(
      '--accept-rollback',
      'accept a repository older than the last one seen (after a deliberate restore of the folder)',
    )
    .option('--retry-lock <seconds>', 'wait up to SECONDS for a lock held by another task')
    .option('--json', 'print one JSON document on stdout (for scripts)')
    .option('-q, --quiet', 'no progress output')
    .addOption(new Option('--report-rusage <file>', 'write resource usage on exit').hideHelp())
    .addHelpText('after', `\n${EXIT_CODE_HELP}\n\nSee docs/cli.md for details.`)
    // Before any subcommand is added: subcommands copy these settings when created. main()
    // turns commander's errors into exit code 2 instead of letting it exit with 1.
    .exitOverride();

  registerInitCommand(program, io);
  registerBackupCommand(program, io);
  registerSnapshotsCommand(program, io);
  registerRestoreCommand(program, io);
  registerCheckCommand(program, io);
  registerForgetCommands(program, io);
  registerRepairCommand(program, io);
  registerUnlockCommand(program, io);
  registerKeyCommands(program, io);
  registerStatsCommand(program, io);
  registerExportCommand(program, io);
  for (const extend of extensions) extend(program, io);
  return program;
}

import { writeFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { defaultIo } from './context.js';
import { errorCode, EXIT, exitCodeFor } from './exit-codes.js';
import { Output } from './output.js';
import { registerImportCommand } from './commands/import.js';
import { buildProgram, type ProgramExtension } from './program.js';

/**
 * The `chatkeep` command: parses argv, runs one subcommand, maps errors to exit codes.
 * Subcommands from other modules are added to EXTENSIONS here.
 */
const EXTENSIONS: ProgramExtension[] = [registerImportCommand];

export async function main(argv: string[] = process.argv): Promise<number> {
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    process.stderr.write('\nCancelling... (press Ctrl-C again to stop at once)\n');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  reportRusageOnExit(argv);

  const io = defaultIo(abort.signal);
  const program = buildProgram(io, EXTENSIONS);
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')
        return EXIT.OK;
      if (error.code === 'commander.help' || error.exitCode === 0) return EXIT.OK;
      return EXIT.USAGE;
    }
    const out = new Output(argv.includes('--json'), io.stdout, io.stderr);
    const code = errorCode(error) ?? 'ERROR';
    const message = error instanceof Error ? error.message : String(error);
    const result = (error as { result?: unknown } | null)?.result;
    out.failure({ code, message }, isRecord(result) ? result : {});
    const exitCode = exitCodeFor(error);
    if (process.env.CHATKEEP_DEBUG && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    } else if (exitCode === EXIT.ERROR) {
      process.stderr.write('(set CHATKEEP_DEBUG=1 for the stack trace)\n');
    }
    return exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** For benchmarks: peak RSS and CPU of this process, written when it exits. */
function reportRusageOnExit(argv: string[]): void {
  const i = argv.indexOf('--report-rusage');
  const file = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--report-rusage='))?.slice(16);
  if (!file) return;
  const started = process.hrtime.bigint();
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        exitCode: code,
        maxRssBytes: u.maxRSS * 1024,
        userCpuMs: u.userCPUTime / 1000,
        systemCpuMs: u.systemCPUTime / 1000,
        wallMs: Number(process.hrtime.bigint() - started) / 1e6,
      }),
    );
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `npm run seed -- --messages N --chats C --media-mb M --out DIR [--seed S]`
 * Fills a chat store with realistic generated chats (see src/seed). Progress goes to stderr,
 * the summary (JSON) to stdout.
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateStore, type GenerateSummary } from '../seed/generate.js';

function wholeNumber(name: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
      throw new InvalidArgumentError(`${name} needs a whole number >= ${min}, got "${value}"`);
    }
    return Number(value);
  };
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`needs a number >= 0, got "${value}"`);
  return n;
}

export interface SeedCliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function runSeedCli(
  argv: string[],
  io: SeedCliIo = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  },
): Promise<GenerateSummary> {
  const program = new Command('seed')
    .description('Generate a realistic chat store for development, tests and benchmarks')
    .requiredOption('--out <dir>', 'store directory to create or add to')
    .option('--messages <n>', 'number of messages', wholeNumber('--messages', 0), 2000)
    .option('--chats <n>', 'number of chats', wholeNumber('--chats', 1), 50)
    .option(
      '--media-mb <mb>',
      'approximate MiB of media files to write (0 = metadata only)',
      nonNegative,
      0,
    )
    .option('--seed <seed>', 'random seed: the same seed gives the same chats', '1')
    .option('--quiet', 'no progress output')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    out: string;
    messages: number;
    chats: number;
    mediaMb: number;
    seed: string;
    quiet?: boolean;
  }>();

  const started = Date.now();
  let lastPrint = 0;
  const summary = generateStore({
    out: path.resolve(o.out),
    messages: o.messages,
    chats: o.chats,
    mediaMb: o.mediaMb,
    seed: o.seed,
    onProgress: ({ messages, total }) => {
      if (o.quiet) return;
      const now = Date.now();
      if (now - lastPrint < 500 && messages < total) return;
      lastPrint = now;
      const pct = total ? Math.floor((messages / total) * 100) : 100;
      const rate = Math.round(messages / Math.max(0.001, (now - started) / 1000));
      io.stderr(
        `seed: ${messages.toLocaleString('en')} / ${total.toLocaleString('en')} messages (${pct}%), ${rate.toLocaleString('en')} msg/s\n`,
      );
    },
  });
  if (!o.quiet) io.stderr(`seed: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  runSeedCli(process.argv.slice(2)).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
    if (typeof code === 'string' && code.startsWith('commander.')) process.exit(2);
    process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

import type { Command } from 'commander';
import type { TransferStats } from '../backup/backend/network.js';
import type { Writable } from 'node:stream';
import { Output } from './output.js';
import { createProgress, progressMode, type ProgressSink } from './progress.js';
import { defaultSecretIo, type SecretIo } from './secrets.js';

/** Options every subcommand accepts (declared on the root program). */
export interface GlobalOptions {
  repo?: string;
  store: string;
  passwordFile?: string;
  recoveryKeyFile?: string;
  recoveryKey?: boolean;
  json?: boolean;
  quiet?: boolean;
  acceptRollback?: boolean;
  retryLock?: string;
  reportRusage?: string;
}

/** The process around a command: streams, secret sources and the Ctrl-C signal. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  secrets: SecretIo;
  signal: AbortSignal;
}

export function defaultIo(signal: AbortSignal): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, secrets: defaultSecretIo(), signal };
}

export interface CommandContext {
  g: GlobalOptions;
  io: CliIo;
  out: Output;
  progress: () => ProgressSink;
  /** Filled in as the command runs; reported in --json so benchmarks can split the time. */
  timings: { openMs?: number; operationMs?: number };
  /** For a network repository: requests and bytes each way (reported in --json). */
  transfer?: TransferStats | undefined;
}

/** Everything a subcommand's action needs, from its Command object. */
export function commandContext(cmd: Command, io: CliIo): CommandContext {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const out = new Output(Boolean(g.json), io.stdout, io.stderr, Boolean(g.quiet));
  return { g, io, out, progress: () => createProgress(progressMode(g), io.stderr), timings: {} };
}

import { readFile } from 'node:fs/promises';
import { SecretUnavailableError } from './errors.js';

/**
 * Where the CLI gets passwords and recovery keys, in order: an explicit file, the
 * environment, then a prompt on a terminal. Never from a command-line argument (visible in
 * `ps` and shell history) and never echoed or logged.
 */
export type CliSecret = { password: string } | { recoveryKey: string };

export interface SecretSources {
  passwordFile?: string;
  recoveryKeyFile?: string;
  /** Prompt for a recovery key instead of a password. */
  recoveryKey?: boolean;
}

export interface SecretIo {
  env: NodeJS.ProcessEnv;
  interactive: boolean;
  prompt: (message: string) => Promise<string>;
  /** A yes/no question on the terminal (trusting an SSH server's key); default no. */
  confirm?: (message: string) => Promise<boolean>;
}

export const PASSWORD_ENV = 'CHATKEEP_PASSWORD';
export const NEW_PASSWORD_ENV = 'CHATKEEP_NEW_PASSWORD';

export function defaultSecretIo(): SecretIo {
  return {
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    prompt: promptHidden,
    confirm: confirmOnTerminal,
  };
}

async function confirmOnTerminal(message: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${message} (yes/no) `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function promptHidden(message: string): Promise<string> {
  const { default: password } = await import('@inquirer/password');
  // The prompt goes to stderr so stdout stays clean for --json and pipes.
  return password({ message, mask: true }, { output: process.stderr });
}

/** A secret file holds the secret on its first line; the line ending is not part of it. */
export async function readSecretFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (code ?? String(err));
    throw new SecretUnavailableError(`Cannot read the secret file ${file}: ${why}.`);
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (firstLine.length === 0) throw new SecretUnavailableError(`The secret file ${file} is empty`);
  return firstLine;
}

/** The secret that opens an existing repository. */
export async function secretToOpen(src: SecretSources, io: SecretIo): Promise<CliSecret> {
  if (src.recoveryKeyFile) return { recoveryKey: await readSecretFile(src.recoveryKeyFile) };
  if (src.recoveryKey) {
    requireTerminal(io, 'a recovery key', '--recovery-key-file FILE');
    return { recoveryKey: await io.prompt('Recovery key (64 hex digits):') };
  }
  if (src.passwordFile) return { password: await readSecretFile(src.passwordFile) };
  const fromEnv = io.env[PASSWORD_ENV];
  if (fromEnv) return { password: fromEnv };
  requireTerminal(
    io,
    'a password',
    `--password-file FILE, ${PASSWORD_ENV} or --recovery-key-file FILE`,
  );
  return { password: await io.prompt('Backup password:') };
}

/**
 * A new password (init, key add, key passwd): from a file, the environment variable given,
 * or typed twice on a terminal so a typo cannot lock the user out of their own backup.
 */
export async function newPassword(
  file: string | undefined,
  envName: string,
  io: SecretIo,
  fileOption = '--new-password-file',
): Promise<string> {
  const chosen = file ? await readSecretFile(file) : io.env[envName];
  if (chosen) return validateNewPassword(chosen);
  requireTerminal(io, 'a new password', `${fileOption} FILE or ${envName}`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const first = await io.prompt('New backup password:');
    const problem = newPasswordProblem(first);
    if (problem) {
      process.stderr.write(`${problem}\n`);
      continue;
    }
    const second = await io.prompt('Repeat the new password:');
    if (first === second) return first;
    process.stderr.write('The passwords do not match. Try again.\n');
  }
  throw new SecretUnavailableError('No new password was set (three failed attempts)');
}

function validateNewPassword(pw: string): string {
  const problem = newPasswordProblem(pw);
  if (problem) throw new SecretUnavailableError(problem);
  return pw;
}

export const MIN_PASSWORD_LENGTH = 8;

function newPasswordProblem(pw: string): string | null {
  if (pw.length < MIN_PASSWORD_LENGTH) {
    return `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  return null;
}

function requireTerminal(io: SecretIo, what: string, alternatives: string): void {
  if (!io.interactive) {
    throw new SecretUnavailableError(
      `Need ${what}, but there is no terminal to ask on. Use ${alternatives}.`,
    );
  }
}

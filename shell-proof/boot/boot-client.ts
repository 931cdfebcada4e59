import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BootReply, BootRequest } from './protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');

export interface BootOptions {
  dataDir: string;
  packaged?: boolean;
  /** Command-line switches Electron would report through app.commandLine.hasSwitch. */
  switches?: string[];
  /** What requestSingleInstanceLock answers (false: another Chatkeep is running). */
  singleInstance?: boolean;
  /** The main bundle to boot; out/main/index.js unless a packaged copy is being proven. */
  mainBundle?: string;
}

export interface BootedMain {
  call<T = unknown>(request: BootRequest): Promise<T>;
  /** Output of the child, for failure messages. */
  output(): string;
  /** Resolves with the exit code once the child has exited by itself (no timer, no worker left). */
  exited(): Promise<number | null>;
  /** Stops talking to the child: what keeps it alive after that is main's. */
  disconnect(): void;
  kill(): void;
}

/**
 * Boots out/main/index.js in a child Node process under the electron stand-in (harness.ts) and
 * returns a handle to drive it. The child runs plain Node: the bundle's workers are real worker
 * threads running the built worker bundles.
 */
export async function bootMain(options: BootOptions): Promise<BootedMain> {
  const child: ChildProcess = fork(path.join(here, 'harness.ts'), [], {
    cwd: repoRoot,
    execArgv: [
      '--import',
      'tsx',
      '--import',
      path.join(repoRoot, 'shell-proof/stand-in/register.mjs'),
    ],
    env: {
      ...process.env,
      CHATKEEP_DATA_DIR: options.dataDir,
      SHELL_PROOF_PACKAGED: options.packaged ? '1' : '0',
      SHELL_PROOF_SWITCHES: (options.switches ?? []).join(','),
      SHELL_PROOF_SINGLE_INSTANCE: options.singleInstance === false ? '0' : '1',
      SHELL_PROOF_MAIN: options.mainBundle ?? path.join(repoRoot, 'out/main/index.js'),
      // Main's own code decides where workers live; nothing from the test runner leaks in.
      NODE_OPTIONS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const booted = new Promise<void>((resolve, reject) => {
    child.on('message', (reply: BootReply) => {
      if (reply.id === 0) return resolve();
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`${reply.error}\n--- main's output ---\n${output}`));
    });
    void exited.then((code) =>
      reject(new Error(`the harness exited (${code}) before booting:\n${output}`)),
    );
  });
  void exited.then((code) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`the harness exited (${code}):\n${output}`));
    }
    pending.clear();
  });
  await booted;

  return {
    call: <T>(request: BootRequest) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ ...request, id });
      }),
    output: () => output,
    exited: () => exited,
    disconnect: () => child.disconnect(),
    kill: () => child.kill('SIGKILL'),
  };
}

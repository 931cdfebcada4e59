// Plain Node, no loaders, no asar support: what a worker thread of the packaged app has. Starts
// each worker bundle from its app.asar.unpacked path and talks to it once, and loads each native
// module from there. Prints one JSON report. Run by shell-proof/packaging.test.ts.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const job = JSON.parse(process.argv[2]);

function talk(worker, send, isAnswer) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ ok: false, error: 'no answer in 20 s' }), 20_000);
    const finish = (result) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    worker.on('error', (error) => finish({ ok: false, error: `${error.name}: ${error.message}` }));
    worker.on('message', (message) => {
      if (isAnswer(message)) finish({ ok: true, message });
    });
    if (send) worker.postMessage(send);
  });
}

const workers = {
  // Opens a chat store: better-sqlite3 loads from the unpacked node_modules.
  store: (file) =>
    talk(
      new Worker(file, { workerData: { dir: job.storeDir, opts: {} } }),
      null,
      (m) => m.type === 'ready' || m.type === 'open-failed',
    ),
  // Loading it needs sodium-native and zstd-napi; then one call.
  backup: (file) =>
    talk(
      new Worker(file),
      {
        type: 'call',
        id: 1,
        method: 'peekRepoId',
        // A RepoTarget: where the repository is (here an empty folder, so the answer is null).
        args: [{ location: { kind: 'folder', path: job.emptyDir } }],
        progress: false,
        cancellable: false,
      },
      (m) => m.id === 1,
    ),
  // Started by the backup worker, beside it; loading it needs sodium-native. Used before being
  // given a repository, it says so.
  media: (file) =>
    talk(
      new Worker(file),
      { type: 'seal', files: [job.chatFile] },
      (m) => m.type === 'error' || m.type === 'sealed',
    ),
  // Reads a WhatsApp export and says what is in it.
  import: (file) =>
    talk(
      new Worker(file, {
        workerData: { op: 'inspect', path: job.chatFile, options: {}, storeDir: job.storeDir },
      }),
      null,
      (m) => m.type === 'result' || m.type === 'error',
    ),
  // Estimates an export of the store the store worker made (it runs first): better-sqlite3 again,
  // read-only, and the export code.
  export: (file) =>
    talk(
      new Worker(file, {
        workerData: {
          op: 'estimate',
          storeDir: job.storeDir,
          options: { format: 'html', chats: 'all' },
        },
      }),
      null,
      (m) => m.type === 'result' || m.type === 'error',
    ),
};

const natives = {
  'better-sqlite3': (m) => new m(':memory:').prepare('select 40 + 2 as x').get().x === 42,
  'sodium-native': (m) => {
    const buf = Buffer.alloc(16);
    m.randombytes_buf(buf);
    return buf.some((b) => b !== 0);
  },
  'zstd-napi': (m) => m.decompress(m.compress(Buffer.from('chatkeep'))).toString() === 'chatkeep',
  keytar: (m) => typeof m.getPassword === 'function',
};

const report = { workers: {}, natives: {} };
for (const [name, file] of Object.entries(job.workers)) {
  report.workers[name] = await workers[name](file);
}
const from = createRequire(job.workers.backup);
for (const [name, works] of Object.entries(natives)) {
  try {
    const resolved = from.resolve(name);
    report.natives[name] = { resolved, works: works(from(name)) };
  } catch (error) {
    report.natives[name] = {
      error: `${error.code ?? error.name}: ${error.message.split('\n')[0]}`,
    };
  }
}
process.stdout.write(JSON.stringify(report));

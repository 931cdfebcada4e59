import fs from 'node:fs';
import path from 'node:path';
import type { ExportEstimate, ExportOptions, ExportResult } from '../export/index.js';
import { runExportJob } from '../export/worker/export-client.js';
import type { ExportEstimateView, ExportRequestView } from '../shared/export-types';
import type { FileGrants } from './grants';
import type { TaskRunner } from './tasks';

export interface ExportServiceOptions {
  storeDir: string;
  nativeBinding?: string;
  grants: FileGrants;
  tasks: TaskRunner;
  appVersion: string;
  /** Show a file or folder in the OS file manager; absent where there is none (tests). */
  reveal?(target: string): void;
}

/** Finished exports remembered for "Show in folder", newest last. */
const KEEP_FINISHED = 32;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "Chatkeep export 2024-06-01 14.05" inside the folder the person picked (never their folder
 * itself, which may hold anything): a new folder each time, numbered when the name is taken.
 */
export function newExportFolder(parent: string, now = new Date()): string {
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}.${pad(now.getMinutes())}`;
  const base = `Chatkeep export ${stamp}`;
  for (let n = 1; ; n++) {
    const candidate = path.join(parent, n === 1 ? base : `${base} (${n})`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}

function summaryOf(r: ExportResult): string {
  const chats = `${r.chats.toLocaleString('en')} chat${r.chats === 1 ? '' : 's'}`;
  const messages = `${r.messages.toLocaleString('en')} message${r.messages === 1 ? '' : 's'}`;
  const media = r.mediaFiles > 0 ? ` and ${r.mediaFiles.toLocaleString('en')} media files` : '';
  const warning = r.warnings.length > 0 ? ` ${r.warnings.join(' ')}` : '';
  return `Exported ${chats} (${messages}${media}) to “${path.basename(r.outDir)}”.${warning}`;
}

/**
 * "Export…" behind the chat list and a chat's menu: estimates and exports run in an export
 * worker with its own read-only store connection, exports as tasks with progress and cancel.
 * The renderer names no path: it passes the grant of a folder the person picked.
 */
export function createExportService(o: ExportServiceOptions) {
  const finished = new Map<string, string>();
  const optionsOf = (r: ExportRequestView): ExportOptions => ({
    format: r.format,
    chats: r.chats,
    from: r.from ?? null,
    to: r.to ?? null,
    mediaTypes: r.mediaTypes,
    search: r.search ?? null,
    singleFile: r.singleFile ?? false,
    generator: `Chatkeep ${o.appVersion}`,
  });

  return {
    async estimate(request: ExportRequestView): Promise<ExportEstimateView> {
      return (await runExportJob({
        op: 'estimate',
        storeDir: o.storeDir,
        nativeBinding: o.nativeBinding,
        options: optionsOf(request),
      })) as ExportEstimate;
    },

    start(request: ExportRequestView & { destinationGrantId: string }): { taskId: string } {
      const parent = o.grants.resolve(request.destinationGrantId);
      const options = optionsOf(request);
      const taskId = o.tasks.start('export', async ({ signal, progress }) => {
        const outDir = newExportFolder(parent);
        const result = (await runExportJob(
          { op: 'export', storeDir: o.storeDir, nativeBinding: o.nativeBinding, outDir, options },
          {
            signal,
            onProgress: (p) =>
              progress({
                phase: p.phase === 'messages' ? 'export' : p.phase,
                itemsDone: p.messagesDone,
                itemsTotal: p.messagesTotal,
                bytesDone: p.bytesWritten,
                bytesTotal: 0,
                etaMs: null,
              }),
          },
        )) as ExportResult;
        finished.set(taskId, result.entry ? path.join(result.outDir, result.entry) : result.outDir);
        if (finished.size > KEEP_FINISHED) finished.delete(finished.keys().next().value!);
        return { summary: summaryOf(result) };
      });
      return { taskId };
    },

    /** Show a finished export in the file manager (its index.html selected, where it has one). */
    reveal(taskId: string): { shown: boolean } {
      const target = finished.get(taskId);
      if (!target || !o.reveal || !fs.existsSync(target)) return { shown: false };
      o.reveal(target);
      return { shown: true };
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;

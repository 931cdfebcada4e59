import path from 'node:path';
import type { Detection, ImportPreview, ImportResult } from '../importers/core/types';
import type { ImportPreviewView } from '../shared/import-types';
import type { EventBus } from './events';
import type { FileGrants } from './grants';
import { runImportJob } from './import-worker/import-client';
import type { PlainImportOptions } from './import-worker/protocol';
import type { TaskRunner } from './tasks';

export interface ImportServiceOptions {
  storeDir: string;
  nativeBinding?: string;
  grants: FileGrants;
  tasks: TaskRunner;
  bus: EventBus;
}

interface ImportRequest {
  grantId: string;
  owner?: string;
  chatTitle?: string;
  key?: string;
  keyFileGrantId?: string;
}

/** Import from a phone, behind the Import page: inspect first, then import as a task. */
export function createImportService({
  storeDir,
  nativeBinding,
  grants,
  tasks,
  bus,
}: ImportServiceOptions) {
  const optionsOf = (request: ImportRequest): PlainImportOptions => ({
    owner: request.owner,
    chatTitle: request.chatTitle,
    key: request.key,
    keyFile: request.keyFileGrantId ? grants.resolve(request.keyFileGrantId, 'import') : undefined,
  });

  return {
    async inspect(request: ImportRequest): Promise<ImportPreviewView> {
      const source = grants.resolve(request.grantId, 'import');
      const { detection, preview } = (await runImportJob({
        op: 'inspect',
        path: source,
        options: optionsOf(request),
        storeDir,
        nativeBinding,
      })) as { detection: Detection; preview: ImportPreview };
      return {
        grantId: request.grantId,
        fileName: path.basename(source),
        format: preview.format,
        description: detection.description,
        chats: preview.chats,
        messages: preview.messages,
        media: preview.media,
        dateRange: preview.dateRange,
        participants: preview.participants,
        suggestedOwner: preview.suggestedOwner,
        needs: preview.needs,
        warnings: preview.warnings,
      };
    },

    start(request: ImportRequest): { taskId: string } {
      const source = grants.resolve(request.grantId, 'import');
      const options = optionsOf(request);
      const taskId = tasks.start('import', async ({ signal, progress }) => {
        const result = (await runImportJob(
          { op: 'import', path: source, options, storeDir, nativeBinding },
          {
            signal,
            onProgress: (p) =>
              progress({
                phase: p.phase,
                itemsDone: p.items,
                itemsTotal: 0,
                bytesDone: p.bytes,
                bytesTotal: p.bytesTotal,
                etaMs: null,
              }),
          },
        )) as ImportResult;
        const ingest = result.ingest as { chatIds?: number[]; messagesAdded?: number } | null;
        const chatIds = ingest?.chatIds ?? [];
        bus.emit('store.changed', { chatIds });
        const added = ingest?.messagesAdded ?? result.messages;
        const chats = `${result.chats} chat${result.chats === 1 ? '' : 's'}`;
        return {
          summary:
            added === 0
              ? `Nothing new: every message in ${path.basename(source)} was already here.`
              : `Imported ${added.toLocaleString('en')} new messages in ${chats}, with ${result.media.stored} media files.`,
          chatIds,
        };
      });
      return { taskId };
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;

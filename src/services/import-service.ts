import { stat } from 'node:fs/promises';
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

/** What the Import page can read, said when a file is none of them. */
export const EXPECTED_FILES =
  'a WhatsApp “Export chat” file (.zip or .txt), a WhatsApp backup (msgstore.db.crypt15 or .crypt14), an iPhone backup folder, a Telegram Desktop export (the folder with result.json) or a Signal backup (.backup)';

/** An importer's refusal, reworded to name the file the person chose and what was expected. */
export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The importers' messages name the path they were given; the person knows the file by its name.
 * Each refusal says which file, what is wrong with it, and what Chatkeep expected instead.
 */
export function explainImportError(error: unknown, source: string): unknown {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return error;
  const name = `“${path.basename(source)}”`;
  const detail = e.message.split(source).join(name).replace(/\.$/, '');
  switch (e.code) {
    case 'UNKNOWN_FORMAT':
      // The importers' generic "does not recognise" adds nothing; a specific reason does.
      return new ImportFileError(
        e.code,
        `${name} is not something Chatkeep can import${/recognis/i.test(detail) ? '' : ` (${detail})`}. Chatkeep expected ${EXPECTED_FILES}.`,
      );
    case 'EMPTY_FILE':
      return new ImportFileError(
        e.code,
        `${name} is empty: it may not have finished copying from your phone. Copy it again, then choose it here.`,
      );
    case 'TRUNCATED_FILE':
    case 'DAMAGED_FILE':
      return new ImportFileError(
        e.code,
        `${name} cannot be read to the end (${detail}). It may not have finished copying from your phone: copy it again, then choose it here.`,
      );
    case 'UNSUPPORTED_VERSION':
      return new ImportFileError(e.code, `${name}: ${detail}.`);
    default:
      return Object.assign(new Error(detail), { code: e.code });
  }
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
      // The page shows the file's size at once, then how far the chat text has been read.
      const size = await stat(source).then(
        (st) => (st.isFile() ? st.size : 0),
        () => 0,
      );
      bus.emit('import.reading', { grantId: request.grantId, bytesDone: 0, bytesTotal: size });
      let result: { detection: Detection; preview: ImportPreview };
      try {
        result = (await runImportJob(
          { op: 'inspect', path: source, options: optionsOf(request), storeDir, nativeBinding },
          {
            onProgress: (p) =>
              bus.emit('import.reading', {
                grantId: request.grantId,
                bytesDone: p.bytes,
                bytesTotal: p.bytesTotal,
              }),
          },
        )) as { detection: Detection; preview: ImportPreview };
      } catch (error) {
        throw explainImportError(error, source);
      }
      const { detection, preview } = result;
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
        ).catch((error: unknown) => {
          throw explainImportError(error, source);
        })) as ImportResult;
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

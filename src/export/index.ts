/**
 * Exporting chats: a self-contained HTML archive, WhatsApp-format text and JSON records, from
 * the store's read APIs only. Plain Node (no Electron): the CLI runs it in-process, the app in an
 * export worker. See README.md beside this file and docs/export.md.
 */
export { runExport, singleFileWarning, type ExportResult, type RunExportControls } from './run.js';
export { estimateExport, type ExportEstimate } from './estimate.js';
export type { ExportProgress } from './context.js';
export {
  DEFAULT_OWNER_NAME,
  EXPORT_FORMATS,
  SINGLE_FILE_WARN_BYTES,
  parseDateOption,
  parseMediaTypes,
  resolveOptions,
  type ExportFormat,
  type ExportOptions,
} from './options.js';
export * from './errors.js';

/**
 * Importers of phones' backups and exports. Each produces portable ChatBundles
 * (src/store/records.ts) and hands them to the chat store's single-transaction ingest, after
 * copying media into the store's content-addressed media folder.
 */
import type { Detection, Importer } from './core/types.js';
import { telegramImporter } from './telegram/importer.js';
import { whatsappCryptImporter } from './whatsapp-crypt/importer.js';
import { whatsappExportImporter } from './whatsapp-export/importer.js';
import { whatsappIosImporter } from './whatsapp-ios/importer.js';

export * from './core/errors.js';
export type * from './core/types.js';
export { whatsappExportImporter } from './whatsapp-export/importer.js';
export { telegramImporter } from './telegram/importer.js';
export { whatsappCryptImporter } from './whatsapp-crypt/importer.js';
export { whatsappIosImporter } from './whatsapp-ios/importer.js';

/** In the order detection tries them: cheap, certain checks first. */
export const IMPORTERS: readonly Importer[] = [
  whatsappCryptImporter,
  whatsappIosImporter,
  telegramImporter,
  whatsappExportImporter,
];

export function importerById(id: string): Importer | undefined {
  return IMPORTERS.find((i) => i.id === id);
}

/** The importer that recognises `path` by its content, or null. Never throws for unreadable input. */
export async function detectImport(
  path: string,
): Promise<{ importer: Importer; detection: Detection } | null> {
  for (const importer of IMPORTERS) {
    let detection: Detection | null = null;
    try {
      detection = await importer.detect(path);
    } catch {
      detection = null;
    }
    if (detection) return { importer, detection };
  }
  return null;
}

/**
 * Importers of phones' backups and exports. Each produces portable ChatBundles
 * (src/store/records.ts) and hands them to the chat store's single-transaction ingest, after
 * copying media into the store's content-addressed media folder.
 */
import fs from 'node:fs';
import { EmptyFileError, UnknownFormatError } from './core/errors.js';
import type { Detection, Importer } from './core/types.js';
import { signalAndroidImporter } from './signal-android/importer.js';
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
export { signalAndroidImporter } from './signal-android/importer.js';

/** In the order detection tries them: cheap, certain checks first. */
export const IMPORTERS: readonly Importer[] = [
  signalAndroidImporter,
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

/**
 * The importer for `path`, or a typed error saying why there is none: the path is missing, the
 * file is empty, or nothing here reads it.
 */
export async function recogniseImport(
  path: string,
): Promise<{ importer: Importer; detection: Detection }> {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    throw new UnknownFormatError(`${path} does not exist or cannot be read`);
  }
  if (st.isFile() && st.size === 0) {
    throw new EmptyFileError(`The file ${path} is empty (0 bytes): there is nothing to import`);
  }
  const found = await detectImport(path);
  if (!found) {
    throw new UnknownFormatError(
      `Chatkeep does not recognise ${path} as a chat export or backup it can import`,
    );
  }
  return found;
}

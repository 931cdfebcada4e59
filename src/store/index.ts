export { ChatStore, MEDIA_DIR, type OpenStoreOptions } from './chat-store.js';
export { MediaStore, isMediaHash } from './media-store.js';
export type { IngestOptions, IngestProgress, IngestResult } from './ingest.js';
export type { GetMessagesOptions, ListChatsOptions, SearchOptions } from './queries.js';
export type { MediaRef, MonthGroup, SnapshotReader, SourceInfo } from './snapshot.js';
export { LATEST_VERSION as STORE_SCHEMA_VERSION, monthOf, monthRange } from './schema.js';
export { DB_FILE } from './open-db.js';
export * from './errors.js';
export * from './records.js';

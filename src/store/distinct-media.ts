/**
 * Each media file once, by content: one row per hash with its size, and the one media type a
 * backup files it under (the smallest type name among its attachments, so a picture sent both
 * as a photo and as a sticker counts as a photo, once). The backup's snapshot reader and the
 * store's size statistics both select from this, so the sizes the Backup page shows before a
 * backup are the sizes the backup then records.
 */
export const DISTINCT_MEDIA_SQL = `SELECT hash, max(size) AS size, min(media_type) AS mediaType, min(mime) AS mime
       FROM attachments WHERE hash IS NOT NULL GROUP BY hash`;

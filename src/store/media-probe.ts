import { parseFile } from 'music-metadata';

/**
 * How long an audio file plays, read from the file itself (music-metadata: Ogg/Opus voice notes,
 * MP3, M4A/AAC, WAV, FLAC...). Null when the file holds no duration or cannot be read: a damaged
 * voice note still shows, just without its length.
 */
export async function probeDurationMs(file: string): Promise<number | null> {
  try {
    // `duration: true` makes the parser walk files whose header lacks a duration (plain MP3s);
    // voice notes are small, so that costs milliseconds.
    const { format } = await parseFile(file, { duration: true, skipCovers: true });
    const seconds = format.duration;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
      ? Math.round(seconds * 1000)
      : null;
  } catch {
    return null;
  }
}

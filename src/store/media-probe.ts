import { parseBuffer, parseFile } from 'music-metadata';

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

/**
 * Load the parsers for the formats voice notes come in (WAV, Ogg/Opus, MP3, MP4/M4A) ahead of
 * need: music-metadata imports each parser on first use, which costs the first chat that shows a
 * voice note over 100 ms. Tiny stand-in files are enough to trigger the import; their parse
 * results do not matter.
 */
export async function warmUpProbe(): Promise<void> {
  const samples: [string, Uint8Array][] = [
    ['audio/wav', new Uint8Array([82, 73, 70, 70, 4, 0, 0, 0, 87, 65, 86, 69])],
    ['audio/ogg', new Uint8Array([79, 103, 103, 83, 0, 2, ...new Array<number>(22).fill(0)])],
    ['audio/mpeg', new Uint8Array([0xff, 0xfb, 0x90, 0x64, ...new Array<number>(60).fill(0)])],
    ['audio/mp4', new Uint8Array([0, 0, 0, 16, 102, 116, 121, 112, 77, 52, 65, 32, 0, 0, 0, 0])],
  ];
  for (const [mimeType, bytes] of samples) {
    try {
      await parseBuffer(bytes, { mimeType }, { duration: false, skipCovers: true });
    } catch {
      // Expected: the stand-ins are not whole files.
    }
  }
}

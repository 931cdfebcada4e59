import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import type { MediaType } from '../store/records.js';
import type { Random } from './random.js';

/**
 * Small, real, valid media files made from scratch (no binaries shipped except the video clips,
 * see make-video-fixtures.ts): PNG photos and stickers, WAV audio and voice notes, animated
 * GIF89a, a one-page PDF. Each call with a different random state gives different bytes.
 */

export interface MediaFile {
  bytes: Uint8Array;
  mime: string;
  fileName: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

// ---------- PNG ----------

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encode raw RGB or RGBA pixels (row-major) as a PNG. */
export function encodePng(
  width: number,
  height: number,
  pixels: Uint8Array,
  alpha: boolean,
): Buffer {
  const channels = alpha ? 4 : 3;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = alpha ? 6 : 2; // RGBA or RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw, { level: 6 })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A "photo" of roughly `targetBytes`: a colored gradient with shapes plus grain. The grain's
 * bits are what deflate cannot squeeze, so the pixel count follows from the target size.
 */
export function photo(random: Random, targetBytes: number): MediaFile {
  const grainBits = 4;
  const pixels = Math.max(64 * 48, Math.round((targetBytes * 8) / (3 * grainBits)));
  const landscape = random.chance(0.6);
  const ratio = landscape ? 4 / 3 : 3 / 4;
  const width = Math.max(16, Math.round(Math.sqrt(pixels * ratio)));
  const height = Math.max(16, Math.round(pixels / width));
  const [r0, g0, b0] = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const [r1, g1, b1] = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  const cx = random.int(0, width);
  const cy = random.int(0, height);
  const radius = random.int(Math.min(width, height) / 8, Math.min(width, height) / 2);
  const noise = random.bytes(width * height * 3);
  const mask = (1 << grainBits) - 1;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const t = y / height;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < radius * radius;
      const s = inside ? 0.35 : 1;
      data[i] = Math.min(255, (r0 + (r1 - r0) * t) * s + ((noise[i] ?? 0) & mask));
      data[i + 1] = Math.min(255, (g0 + (g1 - g0) * t) * s + ((noise[i + 1] ?? 0) & mask));
      data[i + 2] = Math.min(
        255,
        (b0 + (b1 - b0) * (x / width)) * s + ((noise[i + 2] ?? 0) & mask),
      );
    }
  }
  return {
    bytes: encodePng(width, height, data, false),
    mime: 'image/png',
    fileName: `IMG_${random.int(1000, 9999)}.png`,
    width,
    height,
    durationMs: null,
  };
}

/** A sticker: a transparent 256x256 PNG with a colored face-like badge. */
export function sticker(random: Random): MediaFile {
  const size = 256;
  const data = new Uint8Array(size * size * 4);
  const [r, g, b] = [random.int(40, 255), random.int(40, 255), random.int(40, 255)];
  const eye = random.int(10, 24);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const d = Math.hypot(x - 128, y - 128);
      if (d > 120) continue; // transparent
      const isEye = Math.hypot(x - 90, y - 100) < eye || Math.hypot(x - 166, y - 100) < eye;
      const isMouth = y > 160 && y < 176 && Math.abs(x - 128) < 50;
      const dark = isEye || isMouth;
      data[i] = dark ? 20 : r;
      data[i + 1] = dark ? 20 : g;
      data[i + 2] = dark ? 20 : b;
      data[i + 3] = d > 116 ? 128 : 255;
    }
  }
  return {
    bytes: encodePng(size, size, data, true),
    mime: 'image/png',
    fileName: null,
    width: size,
    height: size,
    durationMs: null,
  };
}

// ---------- WAV ----------

function encodeWav(samples: Int16Array, rate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16); // PCM chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/**
 * A voice note (8 kHz, syllable-like bursts of a wobbling tone) or an audio clip (22.05 kHz,
 * a few chords), about `targetBytes` long.
 */
export function audio(random: Random, targetBytes: number, voice: boolean): MediaFile {
  const rate = voice ? 8000 : 22050;
  const count = Math.max(rate / 4, Math.round((targetBytes - 44) / 2));
  const samples = new Int16Array(count);
  const base = voice ? random.int(110, 240) : random.int(180, 440);
  const noise = random.bytes(count);
  for (let i = 0; i < count; i++) {
    const t = i / rate;
    let v: number;
    if (voice) {
      const syllable = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3.2 * t);
      const f = base * (1 + 0.05 * Math.sin(2 * Math.PI * 0.7 * t));
      v = syllable * (0.6 * Math.sin(2 * Math.PI * f * t) + 0.25 * Math.sin(4 * Math.PI * f * t));
    } else {
      const chord = Math.floor(t / 0.5) % 4;
      const f = base * [1, 1.25, 1.5, 1.335][chord]!;
      v = 0.4 * Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(2 * Math.PI * f * 1.5 * t);
    }
    samples[i] = Math.round(v * 12000 + ((noise[i] ?? 128) - 128) * 8);
  }
  return {
    bytes: encodeWav(samples, rate),
    mime: 'audio/wav',
    fileName: voice ? `PTT-${random.int(10000, 99999)}.wav` : `track-${random.int(1, 99)}.wav`,
    width: null,
    height: null,
    durationMs: Math.round((count / rate) * 1000),
  };
}

// ---------- GIF ----------

/**
 * LZW image data for GIF made only of literal codes: 9-bit codes with a clear code often enough
 * that the decoder's code size never grows. Valid for every decoder, just not compressed.
 */
function gifLzw(indices: Uint8Array): Buffer {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  const emit = (code: number): void => {
    acc |= code << bits;
    bits += 9;
    while (bits >= 8) {
      out.push(acc & 255);
      acc >>>= 8;
      bits -= 8;
    }
  };
  const CLEAR = 256;
  const EOI = 257;
  emit(CLEAR);
  let sinceClear = 0;
  for (const index of indices) {
    if (sinceClear === 254) {
      emit(CLEAR);
      sinceClear = 0;
    }
    emit(index);
    sinceClear++;
  }
  emit(EOI);
  if (bits > 0) out.push(acc & 255);
  const blocks: number[] = [8]; // minimum code size
  for (let i = 0; i < out.length; i += 255) {
    const part = out.slice(i, i + 255);
    blocks.push(part.length, ...part);
  }
  blocks.push(0);
  return Buffer.from(blocks);
}

/** An animated GIF89a: a colored ball bouncing over a few frames, looping. */
export function gif(random: Random): MediaFile {
  const width = random.int(48, 96);
  const height = random.int(48, 96);
  const frames = random.int(4, 8);
  const palette = Buffer.alloc(768);
  const [r, g, b] = [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
  for (let i = 0; i < 256; i++) {
    palette[i * 3] = (r + i) & 255;
    palette[i * 3 + 1] = (g + i * 2) & 255;
    palette[i * 3 + 2] = (b + i * 3) & 255;
  }
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[10] = 0xf7; // global color table, 256 entries
  const parts: Buffer[] = [
    header,
    palette,
    Buffer.from([
      0x21,
      0xff,
      0x0b,
      ...Buffer.from('NETSCAPE2.0', 'latin1'),
      0x03,
      0x01,
      0x00,
      0x00,
      0x00,
    ]),
  ];
  for (let f = 0; f < frames; f++) {
    parts.push(Buffer.from([0x21, 0xf9, 0x04, 0x00, 10, 0x00, 0x00, 0x00])); // 100 ms per frame
    const desc = Buffer.alloc(10);
    desc[0] = 0x2c;
    desc.writeUInt16LE(width, 5);
    desc.writeUInt16LE(height, 7);
    parts.push(desc);
    const px = new Uint8Array(width * height);
    const bx = ((f + 0.5) / frames) * width;
    const by = height / 2 + Math.sin((f / frames) * Math.PI * 2) * (height / 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        px[y * width + x] = Math.hypot(x - bx, y - by) < height / 6 ? 255 : (x + y * 2) & 127;
      }
    }
    parts.push(gifLzw(px));
  }
  parts.push(Buffer.from([0x3b]));
  return {
    bytes: Buffer.concat(parts),
    mime: 'image/gif',
    fileName: null,
    width,
    height,
    durationMs: frames * 100,
  };
}

// ---------- PDF ----------

/** A valid one-page PDF with a few lines of text (ASCII, Helvetica). */
export function pdf(random: Random, lines: string[]): MediaFile {
  const escape = (s: string): string =>
    s.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
  const content = [
    'BT /F1 14 Tf 72 760 Td 18 TL',
    ...lines.map((l) => `(${escape(l)}) '`),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return {
    bytes: Buffer.from(body, 'latin1'),
    mime: 'application/pdf',
    fileName: `${random.pick(['Invoice', 'Tickets', 'Notes', 'Menu', 'Boarding pass', 'Report'])} ${random.int(1, 300)}.pdf`,
    width: null,
    height: null,
    durationMs: null,
  };
}

// ---------- video ----------

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
let clips: Array<{ bytes: Uint8Array; width: number; height: number; durationMs: number }> | null =
  null;

/** The recorded WebM clips (see make-video-fixtures.ts); their sizes are those they were made with. */
const CLIP_META: Record<string, { width: number; height: number; durationMs: number }> = {
  'clip-1.webm': { width: 160, height: 120, durationMs: 1500 },
  'clip-2.webm': { width: 240, height: 160, durationMs: 2000 },
  'clip-3.webm': { width: 320, height: 180, durationMs: 2500 },
  'clip-4.webm': { width: 120, height: 160, durationMs: 1200 },
};

export function video(random: Random): MediaFile {
  clips ??= Object.entries(CLIP_META).map(([name, meta]) => ({
    bytes: fs.readFileSync(path.join(FIXTURES, name)),
    ...meta,
  }));
  const clip = random.pick(clips);
  return {
    bytes: clip.bytes,
    mime: 'video/webm',
    fileName: `VID_${random.int(1000, 9999)}.webm`,
    width: clip.width,
    height: clip.height,
    durationMs: clip.durationMs,
  };
}

/** Declared size of media that is referenced but not included (hash null). */
export function typicalSize(type: MediaType, random: Random): number {
  const ranges: Record<MediaType, [number, number]> = {
    photo: [80_000, 3_000_000],
    video: [500_000, 40_000_000],
    audio: [500_000, 8_000_000],
    voice: [8_000, 600_000],
    document: [20_000, 4_000_000],
    sticker: [10_000, 60_000],
    gif: [50_000, 2_000_000],
  };
  const [lo, hi] = ranges[type];
  return random.int(lo, hi);
}

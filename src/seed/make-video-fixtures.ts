/**
 * Makes the seed generator's video fixtures (src/seed/fixtures/clip-*.webm).
 *
 * A valid video cannot reasonably be written by hand (VP8/H.264 need a real encoder), so these
 * few clips were recorded once by Chromium: a canvas animation captured with MediaRecorder as
 * VP8 WebM, which every Chromium (and so Electron) plays. The generator reuses them as they are.
 *
 * Run again with: npx tsx src/seed/make-video-fixtures.ts   (needs `chromium` on PATH)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Clip {
  name: string;
  width: number;
  height: number;
  ms: number;
  hue: number;
}

const CLIPS: Clip[] = [
  { name: 'clip-1', width: 160, height: 120, ms: 1500, hue: 0 },
  { name: 'clip-2', width: 240, height: 160, ms: 2000, hue: 120 },
  { name: 'clip-3', width: 320, height: 180, ms: 2500, hue: 220 },
  { name: 'clip-4', width: 120, height: 160, ms: 1200, hue: 300 },
];

function page(c: Clip): string {
  return `<!doctype html><html><body><canvas id=c width=${c.width} height=${c.height}></canvas><pre id=out></pre><script>
const cv = document.getElementById('c'), g = cv.getContext('2d');
let t = 0;
function draw() {
  g.fillStyle = 'hsl(' + ((${c.hue} + t * 5) % 360) + ',70%,50%)';
  g.fillRect(0, 0, ${c.width}, ${c.height});
  g.fillStyle = '#fff';
  g.beginPath(); g.arc((t * 6) % ${c.width}, ${c.height} / 2, ${Math.round(c.height / 6)}, 0, 7); g.fill();
  t++;
}
const rec = new MediaRecorder(cv.captureStream(15), { mimeType: 'video/webm;codecs=vp8', videoBitsPerSecond: 250000 });
const chunks = [];
rec.ondataavailable = (e) => chunks.push(e.data);
rec.onstop = async () => {
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let s = ''; for (const b of bytes) s += String.fromCharCode(b);
  document.getElementById('out').textContent = 'B64:' + btoa(s) + ':END';
};
draw(); rec.start(); const iv = setInterval(draw, 66);
setTimeout(() => { clearInterval(iv); rec.stop(); }, ${c.ms});
</script></body></html>`;
}

const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-video-'));
try {
  for (const clip of CLIPS) {
    const html = path.join(tmp, `${clip.name}.html`);
    fs.writeFileSync(html, page(clip));
    const dom = execFileSync(
      'chromium',
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--virtual-time-budget=20000',
        '--dump-dom',
        `file://${html}`,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
    );
    const b64 = /B64:([A-Za-z0-9+/=]+):END/.exec(dom)?.[1];
    if (!b64) throw new Error(`Chromium produced no recording for ${clip.name}`);
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.readUInt32BE(0) !== 0x1a45dfa3) throw new Error(`${clip.name} is not a WebM file`);
    fs.writeFileSync(path.join(outDir, `${clip.name}.webm`), bytes);
    console.log(`${clip.name}.webm ${bytes.length} bytes`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

import { encodePng } from '../../seed/media-files.js';
import { ChatStore } from '../../store/index.js';
import type { ChatBundle, MessageRecord } from '../../store/records.js';

/**
 * A small store with one message of every kind, and text written to break an HTML page that
 * forgets to escape: names, titles, message text, file names, poll options, a place's name and a
 * vCard carrying markup. Times are fixed (late May and early June 2024, in Europe/Berlin), so a
 * reply in June quotes a message on May's page.
 */

export const HOSTILE = {
  script: '<script>alert(1)</script>',
  img: '"><img src=x onerror=alert(1)>',
  title: 'Family <b>&</b> friends',
  ben: 'Ben "><img src=x onerror=alert(2)>',
  fileName: '"><svg onload=alert(3)>.pdf',
} as const;

export const FIXTURE_ZONE = 'Europe/Berlin';

/** 2024-MM-DD hh:mm in Berlin (summer time, UTC+2). */
const at = (month: number, day: number, hour: number, minute: number) =>
  Date.UTC(2024, month - 1, day, hour - 2, minute);

export interface ArchiveFixture {
  familyId: number;
  directId: number;
  photoHash: string;
  pdfHash: string;
}

function png(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i += 3) {
    pixels[i] = 40;
    pixels[i + 1] = 120 + ((i / 3) % width) / 4;
    pixels[i + 2] = 200;
  }
  return encodePng(width, height, pixels, false);
}

const msg = (
  m: Partial<MessageRecord> & Pick<MessageRecord, 'key' | 'sentAt' | 'kind'>,
): MessageRecord => ({
  senderKey: null,
  text: null,
  attachments: [],
  reactions: [],
  ...m,
});

export function buildArchiveFixture(dir: string): ArchiveFixture {
  const store = ChatStore.open(dir);
  try {
    const photo = store.media.putBytes(png(64, 48));
    const pdf = store.media.putBytes(new TextEncoder().encode('%PDF-1.4\n% a tiny file\n'));
    const source = { kind: 'whatsapp', accountKey: 'phone', label: 'WhatsApp (Android)' };
    const people = [
      { key: 'ana', displayName: 'Ana Sousa', phone: '+351 912 345 678' },
      { key: 'ben', displayName: HOSTILE.ben },
    ];
    const family: ChatBundle = {
      source,
      chat: { key: 'family', type: 'group', title: HOSTILE.title, members: ['ana', 'ben'] },
      people,
      messages: [
        msg({
          key: 'm1',
          sentAt: at(5, 30, 10, 0),
          kind: 'system',
          text: 'Ana Sousa created group "Family"',
        }),
        msg({
          key: 'm2',
          sentAt: at(5, 30, 10, 1),
          kind: 'text',
          senderKey: 'ana',
          text: 'Where shall we meet? The picnic is at the lake',
        }),
        msg({ key: 'm3', sentAt: at(5, 31, 9, 0), kind: 'text', text: HOSTILE.script }),
        msg({
          key: 'm4',
          sentAt: at(6, 1, 8, 0),
          kind: 'text',
          senderKey: 'ben',
          text: `${HOSTILE.img} and javascript:alert(1) and https://example.com/a?b=<c>`,
          replyToKey: 'm2',
          reactions: [
            { senderKey: 'ana', emoji: '👍' },
            { senderKey: null, emoji: '👍' },
          ],
        }),
        msg({
          key: 'm5',
          sentAt: at(6, 1, 8, 1),
          kind: 'poll',
          senderKey: 'ana',
          text: 'Picnic day?',
          extra: {
            poll: {
              question: 'Picnic day?',
              options: [
                { text: 'Saturday <b>', votes: 2 },
                { text: 'Sunday', votes: 1 },
              ],
            },
          },
        }),
        msg({
          key: 'm6',
          sentAt: at(6, 1, 8, 2),
          kind: 'media',
          text: 'Lake view',
          attachments: [
            {
              mediaType: 'photo',
              mime: 'image/png',
              size: photo.size,
              hash: photo.hash,
              fileName: 'lake.png',
              width: 64,
              height: 48,
            },
          ],
        }),
        msg({
          key: 'm7',
          sentAt: at(6, 1, 8, 3),
          kind: 'location',
          senderKey: 'ana',
          extra: { lat: 52.43, lon: 13.65, name: 'Müggelsee <i>' },
        }),
        msg({
          key: 'm8',
          sentAt: at(6, 1, 8, 4),
          kind: 'contact',
          senderKey: 'ben',
          text: 'Carla',
          extra: {
            vcard:
              'BEGIN:VCARD\nVERSION:3.0\nFN:Carla <script>x</script>\nTEL;TYPE=CELL:+49 30 1234\nEND:VCARD',
          },
        }),
        msg({ key: 'm9', sentAt: at(6, 1, 8, 5), kind: 'deleted', senderKey: 'ana' }),
        msg({
          key: 'm10',
          sentAt: at(6, 1, 8, 6),
          kind: 'text',
          text: 'Bring the blue blanket',
          editedAt: at(6, 1, 8, 9),
        }),
        msg({
          key: 'm11',
          sentAt: at(6, 2, 18, 30),
          kind: 'media',
          senderKey: 'ana',
          attachments: [
            {
              mediaType: 'document',
              mime: 'application/pdf',
              size: pdf.size,
              hash: pdf.hash,
              fileName: HOSTILE.fileName,
            },
          ],
        }),
        msg({
          key: 'm12',
          sentAt: at(6, 2, 18, 31),
          kind: 'media',
          senderKey: 'ben',
          attachments: [
            {
              mediaType: 'voice',
              mime: 'audio/ogg',
              size: 12000,
              hash: null,
              fileName: null,
              durationMs: 7000,
            },
          ],
        }),
      ],
    };
    const direct: ChatBundle = {
      source,
      chat: { key: 'ana', type: 'direct', title: 'Ana Sousa', members: ['ana'] },
      people: [people[0]!],
      messages: [
        msg({
          key: 'd1',
          sentAt: at(6, 3, 20, 0),
          kind: 'text',
          senderKey: 'ana',
          text: 'Did you see the zeppelin?',
        }),
        msg({ key: 'd2', sentAt: at(6, 3, 20, 2), kind: 'text', text: 'Yes! Over the lake' }),
      ],
    };
    store.ingest([family, direct]);
    const chats = store.listChats();
    return {
      familyId: chats.find((c) => c.title === HOSTILE.title)!.id,
      directId: chats.find((c) => c.title === 'Ana Sousa')!.id,
      photoHash: photo.hash,
      pdfHash: pdf.hash,
    };
  } finally {
    store.close();
  }
}

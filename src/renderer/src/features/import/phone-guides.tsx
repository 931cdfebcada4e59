import type { ReactNode } from 'react';

/**
 * "How to get this from your phone": the steps for each kind of file Chatkeep imports, written
 * for someone who has never copied a file off their phone. Menu paths are the apps' own words.
 */
export interface PhoneGuide {
  id: string;
  title: string;
  /** What the person ends up choosing here. */
  gives: string;
  steps: ReactNode[];
  note?: ReactNode;
}

export const PHONE_GUIDES: PhoneGuide[] = [
  {
    id: 'whatsapp-export',
    title: 'One WhatsApp chat, from any phone',
    gives: 'a .zip file (or a .txt without media)',
    steps: [
      'In WhatsApp, open the chat.',
      <>
        iPhone: tap the chat’s name at the top. Android: tap <strong>⋮</strong> ›{' '}
        <strong>More</strong>.
      </>,
      <>
        Tap <strong>Export chat</strong>, then <strong>Attach media</strong> (or{' '}
        <strong>Include media</strong>) so photos and voice notes come too.
      </>,
      'Send it to this computer: AirDrop, email it to yourself, or save it to Files, Google Drive or a USB cable.',
      <>
        Choose the <strong>.zip</strong> here (no need to unzip it).
      </>,
    ],
    note: 'Each export holds one chat. Export every chat you want to keep.',
  },
  {
    id: 'whatsapp-android-backup',
    title: 'Every WhatsApp chat, from an Android phone',
    gives: 'msgstore.db.crypt15 and its 64-digit key',
    steps: [
      <>
        In WhatsApp: <strong>Settings › Chats › Chat backup › End-to-end encrypted backup</strong> ›{' '}
        <strong>Turn on</strong>, and choose <strong>Use 64-digit encryption key instead</strong>.
        Write the 64 digits down.
      </>,
      <>
        Tap <strong>Back up</strong> and wait for it to finish.
      </>,
      <>
        Connect the phone with a USB cable and allow <strong>File transfer</strong>. Copy{' '}
        <strong>Android › media › com.whatsapp › WhatsApp › Databases › msgstore.db.crypt15</strong>{' '}
        (and the <strong>Media</strong> folder beside Databases, for photos) to this computer.
      </>,
      <>
        Choose <strong>msgstore.db.crypt15</strong> here and type the 64-digit key.
      </>,
    ],
    note: 'Older backups named .crypt14 work the same way with their key file.',
  },
  {
    id: 'iphone-backup',
    title: 'Every WhatsApp chat, from an iPhone',
    gives: 'an iPhone backup folder',
    steps: [
      'Connect the iPhone to this computer with its cable, and tap Trust on the phone.',
      <>
        Mac: open <strong>Finder</strong>, select the iPhone in the sidebar, choose{' '}
        <strong>Back up all of the data on your iPhone to this Mac</strong>. Windows: open{' '}
        <strong>iTunes</strong> (or <strong>Apple Devices</strong>), select the phone, choose{' '}
        <strong>This computer</strong>.
      </>,
      <>
        Leave <strong>Encrypt local backup</strong> off (Chatkeep reads unencrypted backups), then
        click <strong>Back Up Now</strong>.
      </>,
      <>
        Choose the backup’s folder here with “Choose a folder…”. Mac:{' '}
        <strong>~/Library/Application Support/MobileSync/Backup</strong>; Windows:{' '}
        <strong>%APPDATA%\Apple Computer\MobileSync\Backup</strong> (or{' '}
        <strong>%USERPROFILE%\Apple\MobileSync\Backup</strong>). Pick the folder with the long name.
      </>,
    ],
  },
  {
    id: 'telegram',
    title: 'Telegram chats, from Telegram Desktop',
    gives: 'a folder with result.json',
    steps: [
      <>
        In Telegram Desktop: <strong>Settings › Advanced › Export Telegram data</strong>.
      </>,
      <>
        Tick the chats and media you want, and set the format to{' '}
        <strong>Machine-readable JSON</strong>.
      </>,
      <>
        Click <strong>Export</strong>, then choose the exported folder (the one with{' '}
        <strong>result.json</strong>) here.
      </>,
    ],
    note: 'The phone apps cannot export; Telegram Desktop reads your chats from the cloud.',
  },
  {
    id: 'signal-android',
    title: 'Signal, from an Android phone',
    gives: 'a signal-….backup file and its 30-digit passphrase',
    steps: [
      <>
        In Signal: <span>Settings › Chats › Chat backups › Turn on</span>.
      </>,
      'Signal shows the 30-digit passphrase only then, once: write it down.',
      'Tap “Create backup” and copy the file from the folder Signal names (usually Signal/Backups) to this computer.',
    ],
    note: 'Newer Signal versions write a “SignalBackups” folder instead, which Chatkeep cannot read yet.',
  },
];

export function PhoneGuides() {
  return (
    <section className="import-guides" aria-labelledby="import-guides-title">
      <h2 id="import-guides-title">How to get this from your phone</h2>
      <div className="import-guide-grid">
        {PHONE_GUIDES.map((g) => (
          <article key={g.id} className="card import-guide" aria-labelledby={`guide-${g.id}`}>
            <h3 id={`guide-${g.id}`}>{g.title}</h3>
            <p className="import-guide-gives">You will choose: {g.gives}</p>
            <ol>
              {g.steps.map((step, i) => (
                <li key={i}>{step}</li>
              ))}
            </ol>
            {g.note && <p className="import-guide-note">{g.note}</p>}
          </article>
        ))}
      </div>
    </section>
  );
}

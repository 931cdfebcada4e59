/** Short names of where chats came from, for the badge. */
const KINDS: Record<string, string> = {
  whatsapp: 'WhatsApp',
  telegram: 'Telegram',
  chatkeep: 'Chatkeep',
  seed: 'Sample',
};

/**
 * The badge text and the account for a source: "WhatsApp" and "phone backup" for
 * "WhatsApp (phone backup)", "Telegram" and "Ana" for "Telegram: Ana". iPhone backups say so.
 */
export function describeSource(kind: string, label: string): { name: string; account: string } {
  const name = /iphone|ios/i.test(label)
    ? 'iPhone'
    : (KINDS[kind] ?? (kind ? kind.charAt(0).toUpperCase() + kind.slice(1) : 'Import'));
  const account = label
    .replace(new RegExp(`^${KINDS[kind] ?? kind}\\s*`, 'i'), '')
    .replace(/^[:(\s-]+|[)\s]+$/g, '')
    .trim();
  return { name, account: account || label };
}

/** A small badge naming the source, with the account in its tooltip and accessible name. */
export function SourceBadge({ kind, label }: { kind: string; label: string }) {
  const { name } = describeSource(kind, label);
  return (
    <span
      className={`source-badge source-${kind in KINDS ? kind : 'other'}`}
      title={label}
      aria-label={`From ${label}`}
    >
      {name}
    </span>
  );
}

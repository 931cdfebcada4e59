/**
 * Signal keeps a shared contact card as JSON (`shared_contacts`: an array of contacts with a
 * name, phone numbers, emails, addresses and an organisation). Chatkeep's contact records carry a
 * vCard, so the first contact is written as one (vCard 3.0, RFC 2426).
 */

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
const list = (v: unknown): Obj[] =>
  Array.isArray(v) ? v.map(obj).filter((x): x is Obj => x !== null) : [];

/** vCard text escaping: backslash, comma, semicolon and line breaks. */
function esc(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;')
    .replace(/\r?\n/g, '\\n');
}

export function vcardFromSharedContacts(json: string): { vcard: string; name: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const contact = Array.isArray(parsed) ? obj(parsed[0]) : obj(parsed);
  if (!contact) return null;
  const n = obj(contact.name) ?? {};
  const given = str(n.givenName);
  const family = str(n.familyName);
  const display =
    str(n.displayName) ??
    ([str(n.prefix), given, str(n.middleName), family, str(n.suffix)].filter(Boolean).join(' ') ||
      null);
  const phones = list(contact.phoneNumbers)
    .map((p) => str(p.number))
    .filter((x): x is string => !!x);
  const emails = list(contact.emails)
    .map((e) => str(e.email))
    .filter((x): x is string => !!x);
  const org = str(contact.organization);
  const name = display ?? phones[0] ?? emails[0] ?? null;
  if (!name) return null;
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `N:${esc(family ?? '')};${esc(given ?? '')};${esc(str(n.middleName) ?? '')};${esc(str(n.prefix) ?? '')};${esc(str(n.suffix) ?? '')}`,
    `FN:${esc(name)}`,
    ...phones.map((p) => `TEL:${esc(p)}`),
    ...emails.map((e) => `EMAIL:${esc(e)}`),
    ...(org ? [`ORG:${esc(org)}`] : []),
    'END:VCARD',
  ];
  return { vcard: lines.join('\r\n'), name };
}

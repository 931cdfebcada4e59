/**
 * The only URLs Chatkeep hands to the OS browser: http(s), no credentials, no oddities.
 * Anything else (file:, javascript:, smb:, custom schemes) could run or open local things.
 */
export function safeExternalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  if (!url.hostname) return null;
  return url.toString();
}

import path from 'node:path';

/**
 * Resolve a URL path under a root folder, or null if it would leave it. Used by the app://
 * protocol that serves the renderer's files; decoding happens first so that %2e%2e and
 * encoded separators are judged as what they become.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = path.resolve(root);
  const target = path.resolve(base, `.${path.posix.sep}${decoded.replace(/\\/g, '/')}`);
  const relative = path.relative(base, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return target;
}

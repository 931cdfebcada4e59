// Lists the libraries Chatkeep ships (the production dependencies, direct and indirect) with the
// licence each declares in its package.json, for Settings › Licences. `npm run build` writes it
// to out/main/licenses.json; scripts/licenses.test.ts checks the list against `npm ls`.
// Plain JS so the build runs it without a compile step.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A package.json's licence as one SPDX-like string ("MIT", "(MIT OR Apache-2.0)"). */
export function licenseOf(pkg) {
  const value = pkg.license ?? pkg.licenses;
  if (typeof value === 'string' && value.trim()) return value.trim();
  // The old forms: { type } or [{ type }, …].
  const list = (Array.isArray(value) ? value : value ? [value] : [])
    .map((l) => (typeof l === 'string' ? l : l?.type))
    .filter((t) => typeof t === 'string' && t.trim());
  if (list.length === 1) return list[0];
  if (list.length > 1) return `(${list.join(' OR ')})`;
  return 'UNKNOWN';
}

function homepageOf(pkg) {
  if (typeof pkg.homepage === 'string') return pkg.homepage;
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  return typeof repo === 'string' ? repo.replace(/^git\+/, '').replace(/\.git$/, '') : null;
}

/**
 * Every installed production package (package-lock.json entries not marked dev), read from its
 * own package.json, sorted by name then version. Optional packages not installed on this
 * platform are skipped: they are not in the app either.
 */
export function collectLicenses(root) {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const seen = new Map();
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (where === '' || entry.dev || entry.link) continue;
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(path.join(root, where, 'package.json'), 'utf8'));
    } catch (err) {
      if (err.code === 'ENOENT' && entry.optional) continue;
      throw new Error(`${where}: cannot read its package.json (${err.code ?? err.message})`);
    }
    const item = {
      name: pkg.name,
      version: pkg.version,
      license: licenseOf(pkg),
      homepage: homepageOf(pkg),
    };
    seen.set(`${item.name}@${item.version}`, item);
  }
  return [...seen.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.resolve(process.argv[2] ?? path.join(root, 'out/main/licenses.json'));
  const list = collectLicenses(root);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(list, null, 1)}\n`);
  console.log(`licenses: ${list.length} libraries → ${path.relative(root, out)}`);
}

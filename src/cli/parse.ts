import { MEDIA_TYPES, type MediaType } from '../store/records.js';
import { CliUsageError } from './errors.js';

/** Option parsers: each rejects bad input with a message that names the option. */

export function parseMediaTypes(value: string, option = '--media'): MediaType[] {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'all') return [...MEDIA_TYPES];
  if (trimmed === 'none' || trimmed === '') return [];
  const out: MediaType[] = [];
  for (const part of trimmed.split(',')) {
    const name = part.trim();
    if (!(MEDIA_TYPES as readonly string[]).includes(name)) {
      throw new CliUsageError(
        `${option}: unknown media type "${name}" (use all, none or a list of: ${MEDIA_TYPES.join(', ')})`,
      );
    }
    if (!out.includes(name as MediaType)) out.push(name as MediaType);
  }
  return out;
}

export function parseNonNegativeInt(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new CliUsageError(`${option} needs a whole number, got "${value}"`);
  }
  return Number(value.trim());
}

/** "10", "10%" or "2.5" -> a percentage in (0, 100]. */
export function parsePercent(value: string, option: string): number {
  const n = Number(value.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n <= 0 || n > 100) {
    throw new CliUsageError(`${option} needs a percentage between 0 and 100, got "${value}"`);
  }
  return n;
}

/** A date (YYYY-MM-DD, read as UTC midnight), a full ISO time, or UTC milliseconds. */
export function parseTime(value: string, option: string): number {
  const v = value.trim();
  const ms = /^\d{10,}$/.test(v)
    ? Number(v)
    : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(ms)) {
    throw new CliUsageError(
      `${option} needs a date like 2024-05-31 or an ISO time, got "${value}"`,
    );
  }
  return ms;
}

export interface Range {
  start: number;
  end: number;
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** The words a search query looks for, folded (case and accents ignored). */
export function queryTerms(query: string): string[] {
  return [...query.matchAll(WORD)].map((m) => fold(m[0])).filter(Boolean);
}

/**
 * Where the query's words occur in `text`, as whole words that start with a term ("caf" marks
 * "Café"), the way the search itself matches the last word of a query. Case and accents are
 * ignored.
 */
export function findTerms(text: string, terms: string[]): Range[] {
  if (terms.length === 0 || !text) return [];
  const out: Range[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = fold(m[0]);
    if (terms.some((t) => word.startsWith(t)))
      out.push({ start: m.index, end: m.index + m[0].length });
  }
  return out;
}

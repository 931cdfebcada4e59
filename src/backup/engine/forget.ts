import type { RetentionPolicy } from '../types.js';
import type { LoadedSnapshot } from './state.js';

type Rule = { n: number; bucket: (d: Date) => string };

function isoWeek(d: Date): string {
  // ISO 8601 week in local time: the week belongs to the year of its Thursday.
  const t = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const day = (t.getDay() + 6) % 7;
  t.setDate(t.getDate() - day + 3);
  const firstThursday = new Date(t.getFullYear(), 0, 4);
  const week =
    1 +
    Math.round(
      ((t.getTime() - firstThursday.getTime()) / 86400000 -
        3 +
        ((firstThursday.getDay() + 6) % 7)) /
        7,
    );
  return `${t.getFullYear()}-W${week}`;
}

/**
 * restic-style retention, by snapshot time in local time, applied to each computer's (host's)
 * snapshots apart: keep the newest `keepLast`, and the newest snapshot of each of the last
 * `keepDaily` days (weeks, months, years) that have one. Each computer's newest snapshot is
 * always kept: it anchors that computer's rollback detection, and with several computers
 * sharing a slowly syncing folder, a snapshot one of them just wrote is never forgotten by
 * another before it has even been seen. An empty policy keeps all.
 */
export function selectForget(
  snapshots: LoadedSnapshot[],
  policy: RetentionPolicy,
): { keep: LoadedSnapshot[]; remove: LoadedSnapshot[] } {
  const byHost = new Map<string, LoadedSnapshot[]>();
  for (const s of snapshots) byHost.set(s.doc.host, [...(byHost.get(s.doc.host) ?? []), s]);
  const keepSet = new Set<LoadedSnapshot>();
  for (const group of byHost.values()) {
    for (const s of selectForgetOneHost(group, policy).keep) keepSet.add(s);
  }
  return {
    keep: snapshots.filter((s) => keepSet.has(s)),
    remove: snapshots.filter((s) => !keepSet.has(s)),
  };
}

function selectForgetOneHost(
  snapshots: LoadedSnapshot[],
  policy: RetentionPolicy,
): { keep: LoadedSnapshot[]; remove: LoadedSnapshot[] } {
  const rules: Rule[] = [];
  const add = (n: number | undefined, bucket: (d: Date) => string): void => {
    if (n && n > 0) rules.push({ n, bucket });
  };
  add(policy.keepDaily, (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`);
  add(policy.keepWeekly, isoWeek);
  add(policy.keepMonthly, (d) => `${d.getFullYear()}-${d.getMonth()}`);
  add(policy.keepYearly, (d) => `${d.getFullYear()}`);
  if (rules.length === 0 && !(policy.keepLast && policy.keepLast > 0))
    return { keep: [...snapshots], remove: [] };

  const newestFirst = [...snapshots].sort((a, b) => b.doc.seq - a.doc.seq);
  const keepSet = new Set<LoadedSnapshot>();
  const state = rules.map(() => ({ count: 0, last: null as string | null }));
  newestFirst.forEach((s, i) => {
    if (i === 0 || i < (policy.keepLast ?? 0)) keepSet.add(s);
    const d = new Date(s.doc.time);
    rules.forEach((r, k) => {
      const st = state[k]!;
      if (st.count >= r.n) return;
      const b = r.bucket(d);
      if (b !== st.last) {
        st.last = b;
        st.count++;
        keepSet.add(s);
      }
    });
  });
  const keep = snapshots.filter((s) => keepSet.has(s));
  const remove = snapshots.filter((s) => !keepSet.has(s));
  return { keep, remove };
}

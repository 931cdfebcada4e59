import type { CheckProblem } from '../backup/types';

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/**
 * A failed check in words a person can weigh: how many files of the backup are damaged or
 * missing and which chats and how many media files they hold, never the files' names (hashes
 * mean nothing to anyone reading the Backup page).
 */
export function damageWords(problems: readonly CheckProblem[]): string {
  const files = new Set(problems.map((p) => p.object)).size;
  const titles = [...new Set(problems.flatMap((p) => p.affected?.chats.map((c) => c.title) ?? []))];
  const media = new Set(problems.flatMap((p) => p.affected?.media.map((m) => m.hash) ?? [])).size;
  const head = `${plural(files, 'file', 'files')} of the backup ${files === 1 ? 'is' : 'are'} damaged or missing.`;
  const parts = [
    ...(titles.length > 0
      ? [
          titles.length <= 3
            ? `messages in ${titles.map((t) => `“${t}”`).join(', ')}`
            : `messages in ${titles
                .slice(0, 3)
                .map((t) => `“${t}”`)
                .join(', ')} and ${plural(titles.length - 3, 'other chat', 'other chats')}`,
        ]
      : []),
    ...(media > 0 ? [plural(media, 'media file', 'media files')] : []),
  ];
  const hold = files === 1 ? 'It holds' : 'They hold';
  return parts.length > 0
    ? `${head} ${hold} ${parts.join(' and ')}.`
    : `${head} ${hold} the backup's own records, not your messages.`;
}

import type { ReactionView } from '../../../../../shared/chat-types';
import { plural } from '../../../ui/format';

export function Reactions({ reactions }: { reactions: ReactionView[] }) {
  if (reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {reactions.map((r) => (
        <li
          key={r.emoji}
          className={`reaction${r.mine ? ' mine' : ''}`}
          aria-label={`${r.emoji} ${plural(r.count, 'reaction')}${r.mine ? ', yours among them' : ''}`}
        >
          <span aria-hidden="true">{r.emoji}</span>
          {r.count > 1 && <span aria-hidden="true">{r.count}</span>}
        </li>
      ))}
    </ul>
  );
}

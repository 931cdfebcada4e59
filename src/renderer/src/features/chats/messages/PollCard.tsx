import type { PollInfo } from '../../../../../shared/message-extra';
import { plural } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';

/**
 * A poll: its question, each option with its votes as a bar (share of all votes, as WhatsApp and
 * Telegram draw them) and the total. Exports without counts show the options alone.
 */
export function PollCard({ poll }: { poll: PollInfo }) {
  const total = poll.totalVotes;
  const most = Math.max(0, ...poll.options.map((o) => o.votes ?? 0));
  return (
    <div className="poll">
      <div className="poll-kind">
        <Icon name="poll" size={14} />
        {poll.closed ? 'Final results' : poll.multiple ? 'Poll · choose one or more' : 'Poll'}
      </div>
      <div className="poll-question" dir="auto">
        {poll.question}
      </div>
      <ul className="poll-options">
        {poll.options.map((o, i) => {
          const share = total && o.votes !== null ? o.votes / total : 0;
          return (
            <li
              key={i}
              className={`poll-option${o.votes !== null && o.votes === most && most > 0 ? ' leading' : ''}`}
            >
              <div className="poll-option-row">
                <span className="poll-option-text" dir="auto">
                  {o.text}
                </span>
                {o.votes !== null && (
                  <span className="poll-votes" aria-label={plural(o.votes, 'vote')}>
                    {o.votes}
                  </span>
                )}
              </div>
              {total !== null && (
                <div
                  className="poll-bar"
                  role="meter"
                  aria-label={`${o.text}: ${Math.round(share * 100)}% of votes`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(share * 100)}
                >
                  <span style={{ width: `${share * 100}%` }} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <div className="poll-total">
        {total === null ? 'Vote counts not included in the export' : plural(total, 'vote')}
      </div>
    </div>
  );
}

import { useId, useState } from 'react';
import type { BackupStatusView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { formatDate } from '../../ui/format';
import { errorWords } from './error-words';
import { EMPTY_SECRET, toSecret, type SecretDraft } from './secret';
import { SecretField } from './SecretField';

interface Props {
  status: BackupStatusView;
  onStatus(status: BackupStatusView): void;
}

type Answer = { correct: true; nextDueAt: number | null } | { correct: false } | null;

/**
 * "Do you still remember your backup password?": a gentle reminder when it is due (two weeks
 * apart at first, then monthly), and "Verify now" at any time. Main checks what was typed
 * against the backup's key slots; nothing typed is kept, and a wrong answer changes nothing.
 */
export function PasswordCheckCard({ status, onStatus }: Props) {
  const id = useId();
  const due = status.secretCheck.due;
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<SecretDraft>(
    status.protection && !status.protection.password
      ? { kind: 'recoveryKey', text: '' }
      : EMPTY_SECRET,
  );
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer>(null);
  const [error, setError] = useState<string | null>(null);
  const secret = toSecret(draft);
  const asking = due || open;

  const check = async () => {
    if (!secret) return;
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      const { correct } = await api.invoke('backup.checkSecret', { secret });
      if (correct) {
        const next = await api.invoke('backup.status', {});
        onStatus(next);
        setAnswer({ correct: true, nextDueAt: next.secretCheck.nextDueAt });
        setDraft({ kind: draft.kind, text: '' });
        setOpen(false);
      } else setAnswer({ correct: false });
    } catch (e) {
      setError(errorWords(e));
    } finally {
      setBusy(false);
    }
  };

  const skip = async () => {
    setBusy(true);
    setError(null);
    try {
      onStatus(await api.invoke('backup.skipSecretCheck', {}));
      setAnswer(null);
      setDraft({ kind: draft.kind, text: '' });
    } catch (e) {
      setError(errorWords(e));
    } finally {
      setBusy(false);
    }
  };

  const what =
    status.protection && !status.protection.password ? 'your 64-digit key' : 'your password';
  return (
    <section
      className={due ? 'card ck-reminder' : 'card'}
      aria-labelledby={`${id}-title`}
      data-testid="password-check"
    >
      <h2 id={`${id}-title`}>
        {due ? 'Do you still remember your backup password?' : 'Password check'}
      </h2>
      <p>
        {due
          ? `Type ${what} to check you still know it. Without it (or your 64-digit key) nobody can open your backup, not even you. Skipping is fine.`
          : `Check any time that you still know ${what}. Nothing you type is kept.`}
      </p>
      {answer?.correct && (
        <p className="ck-ok" role="status">
          That is right.
          {answer.nextDueAt
            ? ` Chatkeep will ask again around ${formatDate(answer.nextDueAt)}.`
            : ''}
        </p>
      )}
      {asking ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void check();
          }}
        >
          <SecretField
            value={draft}
            onChange={(next) => {
              if (next.kind !== draft.kind) setAnswer(null);
              setDraft(next);
            }}
            passwordLabel="Your backup password"
            disabled={busy}
            opensWith={status.protection ?? undefined}
          />
          {answer && !answer.correct && (
            <p className="error" role="alert">
              {draft.kind === 'password'
                ? 'That is not the password of this backup. Nothing was changed: try again, or use your 64-digit key.'
                : 'That key does not open this backup. Nothing was changed: check it and try again.'}
            </p>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="ck-actions">
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => {
                if (due) void skip();
                else {
                  setOpen(false);
                  setAnswer(null);
                }
              }}
            >
              {due ? 'Not now' : 'Cancel'}
            </button>
            <button type="submit" className="button primary" disabled={!secret || busy}>
              {busy ? 'Checking…' : 'Check'}
            </button>
          </div>
        </form>
      ) : (
        <div className="ck-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              setAnswer(null);
              setOpen(true);
            }}
          >
            Verify now
          </button>
        </div>
      )}
    </section>
  );
}

import { useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { errorWords } from './error-words';
import { confirmsGroup, keyGroups, pickGroupToConfirm, recoveryKeyFileText } from './recovery-key';

interface Props {
  recoveryKey: string;
  /** Called with true once the asked group was typed back correctly (false if it is changed). */
  onConfirmed(confirmed: boolean): void;
}

/**
 * Shows a new recovery key in numbered groups of four, with Copy and Save, and asks one group
 * back: proof that it was written down or saved before the person relies on it.
 */
export function RecoveryKeyPanel({ recoveryKey, onConfirmed }: Props) {
  const id = useId();
  const groups = keyGroups(recoveryKey);
  const [ask] = useState(() => pickGroupToConfirm());
  const [typed, setTyped] = useState('');
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const confirmed = confirmsGroup(recoveryKey, ask, typed);

  useEffect(() => {
    onConfirmed(confirmed);
  }, [confirmed, onConfirmed]);

  // Main puts the key on the clipboard: the page itself has no clipboard permission.
  const copy = async () => {
    try {
      await api.invoke('backup.copyRecoveryKey', { recoveryKey });
      setNote({
        text: 'Copied. Paste it somewhere safe, such as a password manager.',
        error: false,
      });
    } catch (e) {
      setNote({
        text: `Could not copy: ${errorWords(e)} Write the key down, or save it as a text file.`,
        error: true,
      });
    }
  };

  const save = async () => {
    try {
      const { saved } = await api.invoke('files.saveText', {
        suggestedName: 'Chatkeep recovery key.txt',
        text: recoveryKeyFileText(recoveryKey, new Date()),
      });
      if (saved) {
        setNote({
          text: 'Saved. Keep that file somewhere other than the backup folder.',
          error: false,
        });
      }
    } catch (e) {
      setNote({ text: errorWords(e), error: true });
    }
  };

  const wrong = typed.replace(/\s/g, '').length >= 4 && !confirmed;
  return (
    <div className="ck-key-panel">
      <p>
        Your recovery key. Write it down or save it somewhere safe, away from this computer and the
        backup folder:
      </p>
      <ol
        className="ck-key"
        aria-label="Your recovery key"
        data-testid="recovery-key"
        data-key={groups.join('-')}
      >
        {groups.map((group, i) => (
          <li key={i}>
            <span className="ck-key-index" aria-hidden="true">
              {i + 1}
            </span>
            <span className="ck-mono">{group}</span>
          </li>
        ))}
      </ol>
      <div className="ck-actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button" onClick={() => void save()}>
          Save as a text file
        </button>
      </div>
      {note && (
        <p className={note.error ? 'error' : 'ck-ok'} role="status">
          {note.text}
        </p>
      )}
      <div className="ck-field ck-confirm-group">
        <label htmlFor={`${id}-confirm`}>Type group {ask} of your key</label>
        <input
          id={`${id}-confirm`}
          className="text-input ck-mono"
          type="text"
          inputMode="text"
          autoComplete="off"
          spellCheck={false}
          maxLength={9}
          value={typed}
          aria-invalid={wrong || undefined}
          aria-describedby={`${id}-confirm-note`}
          onChange={(e) => setTyped(e.target.value)}
        />
        <span
          id={`${id}-confirm-note`}
          className={wrong ? 'error' : confirmed ? 'ck-ok' : 'ck-muted'}
          aria-live="polite"
        >
          {confirmed
            ? 'That matches.'
            : wrong
              ? `That is not group ${ask}. Look at group ${ask} of the key above and try again.`
              : 'Type the four characters of that group to show you have the key.'}
        </span>
      </div>
    </div>
  );
}

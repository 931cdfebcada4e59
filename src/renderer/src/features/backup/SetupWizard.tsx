import { useEffect, useState } from 'react';
import {
  estimateBackupBytes,
  type BackupStatusView,
  type MediaGroup,
} from '../../../../shared/backup-types';
import { api } from '../../api';
import { formatBytes } from '../../ui/format';
import { DestinationPicker, destinationOf, type ChosenFolder } from './DestinationPicker';
import { errorWords } from './error-words';
import { LossWarning } from './LossWarning';
import { MEDIA_GROUP_ORDER } from './media-groups';
import { MediaGroupPicker } from './MediaGroupPicker';
import { NewPasswordFields, type NewPassword } from './NewPasswordFields';
import { RecoveryKeyPanel } from './RecoveryKeyPanel';
import { useTask } from '../../tasks/tasks';
import { TaskProgressBar } from '../../tasks/TaskProgressBar';
import { useStepFocus } from './useStepFocus';

export interface SetupResult {
  outcome: 'done' | 'failed' | 'cancelled';
  /** A sentence for the page's notice. */
  message: string;
}

interface Props {
  /** The status while backups are off: media sizes, default settings. */
  status: BackupStatusView;
  /**
   * Called with true just before set-up is sent (main may announce "configured" before its reply
   * arrives, and the page must keep showing the wizard until the first backup ends), and with
   * false if set-up was refused.
   */
  onEngaged(engaged: boolean): void;
  onFinished(result: SetupResult): void;
}

type Step = 'where' | 'protect' | 'first-backup';
const STEP_NAMES: Record<Step, string> = {
  where: 'Where',
  protect: 'Protection',
  'first-backup': 'First backup',
};

/** "Turn on end-to-end encrypted backup": where, how it is protected, then the first backup. */
export function SetupWizard({ status, onEngaged, onFinished }: Props) {
  const [step, setStep] = useState<Step>('where');
  const stepRef = useStepFocus<HTMLDivElement>(step);
  const [folder, setFolder] = useState<ChosenFolder | null>(null);
  const [media, setMedia] = useState<MediaGroup[]>(
    status.settings.mediaGroups.length > 0 ? status.settings.mediaGroups : MEDIA_GROUP_ORDER,
  );
  const [method, setMethod] = useState<'password' | 'key'>('password');
  const [newPassword, setNewPassword] = useState<NewPassword>({ password: '', valid: false });
  const [recoveryKey, setRecoveryKey] = useState<string | null>(null);
  const [keyConfirmed, setKeyConfirmed] = useState(false);
  /**
   * With a password, a recovery key is made too unless the person skips it: one forgotten
   * password (or one damaged key file) should not be the end of years of chats.
   */
  const [alsoKey, setAlsoKey] = useState(true);
  const wantsKey = method === 'key' || alsoKey;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const { finished } = useTask(taskId);

  const estimate = estimateBackupBytes(status.sizes, media);
  const tooBig = folder?.freeBytes != null && folder.freeBytes < estimate;

  useEffect(() => {
    if (!wantsKey || recoveryKey) return;
    let live = true;
    void api.invoke('backup.generateRecoveryKey', {}).then(
      (reply) => live && setRecoveryKey(reply.recoveryKey),
      (e: unknown) => live && setError(errorWords(e)),
    );
    return () => {
      live = false;
    };
  }, [wantsKey, recoveryKey]);

  useEffect(() => {
    if (!finished) return;
    onFinished({
      outcome: finished.outcome,
      message:
        finished.outcome === 'done'
          ? `Backups are on. ${finished.summary}`
          : finished.outcome === 'cancelled'
            ? 'Backups are on, but the first backup was cancelled. Chatkeep will try again at the next scheduled time, or tap Back up now.'
            : `Backups are on, but the first backup did not finish: ${finished.error ? errorWords(finished.error) : finished.summary}`,
    });
  }, [finished, onFinished]);

  const keyReady = recoveryKey !== null && keyConfirmed;
  const ready = method === 'password' ? newPassword.valid && (!alsoKey || keyReady) : keyReady;

  const turnOn = async () => {
    if (!folder || !ready) return;
    setBusy(true);
    setError(null);
    onEngaged(true);
    // Deriving the key from a password takes about a second on purpose: show it is working.
    setStep('first-backup');
    try {
      const secret =
        method === 'password'
          ? { password: newPassword.password }
          : { recoveryKey: recoveryKey ?? '' };
      const reply = await api.invoke('backup.setup', {
        ...destinationOf(folder),
        secret,
        ...(method === 'password' && alsoKey && recoveryKey ? { recoveryKey } : {}),
        settings: { mediaGroups: media },
      });
      setTaskId(reply.taskId);
      setStep('first-backup');
    } catch (e) {
      onEngaged(false);
      setStep('protect');
      setError(errorWords(e, method === 'password' ? 'password' : 'recoveryKey'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card ck-wizard" aria-labelledby="setup-title">
      <h2 id="setup-title">Turn on end-to-end encrypted backup</h2>
      <ol className="ck-steps" aria-label="Steps">
        {(Object.keys(STEP_NAMES) as Step[]).map((s, i) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>
            {i + 1}. {STEP_NAMES[s]}
          </li>
        ))}
      </ol>
      <div ref={stepRef} tabIndex={-1} className="ck-step">
        {step === 'where' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (folder) setStep('protect');
            }}
          >
            <p>
              Chatkeep encrypts your chats on this computer, then copies them to a place you own: a
              synced folder (iCloud Drive, Google Drive, OneDrive, Dropbox), your own server or NAS,
              or cloud storage. Only you can read it.
            </p>
            <DestinationPicker
              purpose="backup-folder"
              legend="Where to keep the backup"
              value={folder}
              onChange={setFolder}
            />
            <MediaGroupPicker
              legend="What to back up"
              value={media}
              onChange={setMedia}
              sizes={status.sizes.media}
              messagesBytes={status.sizes.messagesBytes}
              totalLabel="First backup, about"
            />
            {tooBig && folder && (
              <p className="error" role="alert">
                {folder.label} has {formatBytes(folder.freeBytes ?? 0)} free, less than the backup
                needs. Leave out some media or choose another folder.
              </p>
            )}
            <div className="ck-actions">
              <button type="submit" className="button primary" disabled={!folder}>
                Continue
              </button>
            </div>
          </form>
        )}

        {step === 'protect' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void turnOn();
            }}
          >
            <p>
              Saving to <strong>{folder?.label}</strong>
              {folder?.path && <span className="ck-muted"> ({folder.path})</span>}
            </p>
            <fieldset className="ck-method" disabled={busy}>
              <legend>How to protect it</legend>
              <label className="ck-radio-card">
                <input
                  type="radio"
                  name="protect-method"
                  checked={method === 'password'}
                  onChange={() => setMethod('password')}
                />
                <span>
                  <span className="ck-radio-title">A password</span>
                  <span className="ck-muted">Something long you will remember.</span>
                </span>
              </label>
              <label className="ck-radio-card">
                <input
                  type="radio"
                  name="protect-method"
                  checked={method === 'key'}
                  onChange={() => setMethod('key')}
                />
                <span>
                  <span className="ck-radio-title">A 64-digit recovery key</span>
                  <span className="ck-muted">Chatkeep makes it; you write it down or save it.</span>
                </span>
              </label>
            </fieldset>

            {method === 'password' ? (
              <>
                <NewPasswordFields onChange={setNewPassword} disabled={busy} />
                <fieldset className="ck-second-key" disabled={busy}>
                  <legend>A second way in</legend>
                  <label className="ck-check">
                    <input
                      type="checkbox"
                      checked={alsoKey}
                      onChange={(e) => setAlsoKey(e.target.checked)}
                    />
                    Also make a 64-digit recovery key (recommended)
                  </label>
                  <p className="ck-muted">
                    {alsoKey
                      ? 'If you ever forget the password, this key still opens your backup.'
                      : 'Without a recovery key, a forgotten password means the backup can never be opened. You can add one later under Security.'}
                  </p>
                  {alsoKey &&
                    (recoveryKey ? (
                      <RecoveryKeyPanel recoveryKey={recoveryKey} onConfirmed={setKeyConfirmed} />
                    ) : (
                      <p className="ck-muted">Making your key…</p>
                    ))}
                </fieldset>
                <LossWarning kind={alsoKey ? 'both' : 'password'} />
              </>
            ) : recoveryKey ? (
              <>
                <RecoveryKeyPanel recoveryKey={recoveryKey} onConfirmed={setKeyConfirmed} />
                <LossWarning kind="key" />
              </>
            ) : (
              <p className="ck-muted">Making your key…</p>
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
                onClick={() => setStep('where')}
                disabled={busy}
              >
                Back
              </button>
              <button type="submit" className="button primary" disabled={!ready || busy}>
                {busy ? 'Turning on…' : 'Turn on backup'}
              </button>
            </div>
          </form>
        )}

        {step === 'first-backup' && (
          <div>
            <p>
              Chatkeep is making your first backup. Later ones only copy what changed, so they are
              much quicker. You can leave this page: it carries on.
            </p>
            {taskId ? (
              <TaskProgressBar taskId={taskId} label="First backup" />
            ) : (
              <div className="ck-progress">
                <div className="ck-progress-head">
                  <strong>Setting up encryption…</strong>
                </div>
                <div
                  className="ck-progress-track"
                  role="progressbar"
                  aria-label="First backup"
                  aria-valuetext="Setting up encryption"
                >
                  <div className="ck-progress-fill indeterminate" />
                </div>
              </div>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

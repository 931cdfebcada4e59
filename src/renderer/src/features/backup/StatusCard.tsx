import { useCallback, useState } from 'react';
import type { BackupStatusView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { formatBytes, formatDateTime } from '../../ui/format';
import { errorCode, errorWords } from './error-words';
import { formatDuration } from '../../tasks/progress-words';
import { useTask } from '../../tasks/tasks';
import { TaskProgressBar } from '../../tasks/TaskProgressBar';
import { Dialog } from '../../ui/Dialog';
import { UnlockDialog } from './UnlockDialog';

interface Props {
  status: BackupStatusView;
  onStatus(status: BackupStatusView): void;
  /** A backup was asked for: older messages on the page (set-up's) no longer apply. */
  onRun?(): void;
}

const FREQUENCY_WORDS = {
  daily: 'every day',
  weekly: 'every week',
  monthly: 'every month',
  manual: 'only when you tap Back up now',
} as const;

/** The state of backups at a glance: last and next backup, where, what is wrong; Back up now. */
export function StatusCard({ status, onStatus, onRun }: Props) {
  const [taskId, setTaskId] = useState<string | null>(null);
  const [unlocking, setUnlocking] = useState<null | { thenRun: boolean }>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirmTakeOver, setConfirmTakeOver] = useState(false);
  const running = status.runningTaskId ?? taskId;
  const result = useTask(taskId).finished;
  // A scheduled backup's end may reach us before the status that says it is no longer running.
  const runningEnded = useTask(running).finished !== null;

  const runNow = useCallback(async () => {
    setError(null);
    onRun?.();
    try {
      const reply = await api.invoke('backup.runNow', {});
      setTaskId(reply.taskId);
    } catch (e) {
      const code = errorCode(e);
      if (code === 'PASSWORD_NEEDED' || code === 'WRONG_SECRET' || code === 'LOCKED') {
        setUnlocking({ thenRun: true });
      } else setError(errorWords(e));
    }
  }, [onRun]);

  const repair = useCallback(async () => {
    setError(null);
    try {
      const reply = await api.invoke('backup.repair', {});
      setTaskId(reply.taskId);
    } catch (e) {
      setError(errorWords(e));
    }
  }, []);

  const takeOver = useCallback(async () => {
    setError(null);
    try {
      onStatus(await api.invoke('backup.takeOverLock', {}));
      void runNow();
    } catch (e) {
      setError(errorWords(e));
    }
  }, [onStatus, runNow]);

  const act = () => {
    switch (status.problem?.action) {
      case 'enter-password':
        setUnlocking({ thenRun: false });
        break;
      case 'repair':
        void repair();
        break;
      case 'take-over':
        // Taking over while that computer is still backing up could make both write at once;
        // the person confirms they know it is not.
        setConfirmTakeOver(true);
        break;
      // The contract has no way yet to move a configured backup to another folder, so the
      // honest action is to retry once the folder (a drive, a sync app) is back.
      case 'choose-folder':
      case 'retry':
        void runNow();
        break;
      default:
        break;
    }
  };
  const actionLabel =
    status.problem?.action === 'enter-password'
      ? 'Enter password'
      : status.problem?.action === 'choose-folder' || status.problem?.action === 'retry'
        ? 'Try again'
        : status.problem?.action === 'repair'
          ? 'Repair'
          : status.problem?.action === 'take-over'
            ? 'Take over'
            : null;

  const isRunning = running !== null && !runningEnded;
  const last = status.lastSuccess;
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">
        <span aria-hidden="true">{status.problem ? '⚠️ ' : '✅ '}</span>
        {status.problem ? 'Backups need attention' : 'Backups are on'}
      </h2>
      {status.problem && (
        <div className="ck-problem" role="alert">
          <p className="error">{status.problem.message}</p>
          {actionLabel && (
            <button type="button" className="button primary" onClick={act}>
              {actionLabel}
            </button>
          )}
        </div>
      )}
      {confirmTakeOver && (
        <Dialog title="Take over the backup?" onClose={() => setConfirmTakeOver(false)}>
          <p>
            Do this only if the other computer is switched off or its backup has stopped: two
            computers backing up at once is safe, but slower.
          </p>
          <div className="ck-actions">
            <button type="button" className="button" onClick={() => setConfirmTakeOver(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              onClick={() => {
                setConfirmTakeOver(false);
                void takeOver();
              }}
            >
              Take over
            </button>
          </div>
        </Dialog>
      )}
      {status.problem?.action === 'choose-folder' && (
        <p className="ck-muted">
          Connect the drive or start the sync app that holds the backup folder, then try again.
        </p>
      )}
      {status.locked && !status.problem && (
        <div className="ck-problem">
          <p>Backups need your password on this computer before they can run.</p>
          <button type="button" className="button" onClick={() => setUnlocking({ thenRun: false })}>
            Enter password
          </button>
        </div>
      )}
      <dl className="facts">
        <dt>Last backup</dt>
        <dd data-testid="last-backup">
          {last
            ? formatDateTime(last.time) +
              // A backup adopted after a restore was not made here: its length is not known.
              (last.durationMs === null
                ? ''
                : last.durationMs < 1000
                  ? ' · took less than a second'
                  : ` · took ${formatDuration(last.durationMs)}`)
            : 'None yet'}
        </dd>
        {status.sizes.backupBytes !== null && (
          <>
            <dt>Backup size</dt>
            <dd data-testid="backup-size">{formatBytes(status.sizes.backupBytes)}</dd>
          </>
        )}
        {status.sizes.newBytes !== null && (
          <>
            <dt>New in this backup</dt>
            <dd data-testid="backup-new">
              {status.sizes.newBytes === 0
                ? 'Nothing (no changes)'
                : formatBytes(status.sizes.newBytes)}
            </dd>
          </>
        )}
        <dt>Next backup</dt>
        <dd>
          {status.settings.frequency === 'manual'
            ? 'When you tap Back up now'
            : status.nextRunAt
              ? `${formatDateTime(status.nextRunAt)} (${FREQUENCY_WORDS[status.settings.frequency]})`
              : FREQUENCY_WORDS[status.settings.frequency]}
        </dd>
        {status.protection && (
          <>
            <dt>Protected by</dt>
            <dd data-testid="protection">{protectionWords(status.protection)}</dd>
          </>
        )}
        <dt>Saved to</dt>
        <dd>
          {status.destination ? (
            <>
              {status.destination.label}{' '}
              {status.destination.label !== status.destination.path && (
                <span className="ck-muted ck-path">{status.destination.path}</span>
              )}
            </>
          ) : (
            'No folder'
          )}
        </dd>
      </dl>
      {!status.keychain.available && (
        <p className="ck-calm">
          {status.keychain.reason ??
            'This computer has no keychain Chatkeep can use, so your backup password is not saved here: Chatkeep asks for it when it needs it.'}
        </p>
      )}
      {isRunning && running ? (
        <TaskProgressBar taskId={running} label="Backing up" />
      ) : (
        <div className="ck-actions">
          <button
            type="button"
            className="button primary"
            onClick={() => (status.locked ? setUnlocking({ thenRun: true }) : void runNow())}
          >
            Back up now
          </button>
        </div>
      )}
      {result && !isRunning && (
        <p className={result.outcome === 'done' ? 'ck-ok' : 'error'} role="status">
          {result.outcome === 'done'
            ? result.summary
            : result.outcome === 'cancelled'
              ? 'Backup cancelled. Nothing in the backup folder changed.'
              : `The backup did not finish: ${result.error ? errorWords(result.error) : result.summary}`}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {unlocking && (
        <UnlockDialog
          keychainAvailable={status.keychain.available}
          onClose={() => setUnlocking(null)}
          onUnlocked={(next) => {
            onStatus(next);
            const thenRun = unlocking.thenRun;
            setUnlocking(null);
            if (thenRun) void runNow();
          }}
        />
      )}
    </section>
  );
}

/** What opens the backup, as the status card says it. */
export function protectionWords(p: { password: boolean; recoveryKey: boolean }): string {
  if (p.password && p.recoveryKey) return 'Password and 64-digit key';
  if (p.password) return 'Password';
  if (p.recoveryKey) return '64-digit key';
  return 'Nothing this computer can read';
}

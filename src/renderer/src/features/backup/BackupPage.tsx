import { useCallback, useState } from 'react';
import type { BackupSettingsView } from '../../../../shared/backup-types';
import type { Section } from '../../../../shared/ipc/contract';
import { HistoryCard } from './HistoryCard';
import { MediaCard } from './MediaCard';
import { RestoreWizard } from './RestoreWizard';
import { ScheduleCard } from './ScheduleCard';
import { SecurityCard } from './SecurityCard';
import { SetupWizard, type SetupResult } from './SetupWizard';
import { PasswordCheckCard } from './PasswordCheckCard';
import { StatusCard } from './StatusCard';
import { useBackupStatus, useStoreIsEmpty } from './useBackupStatus';
import { VerifyCard } from './VerifyCard';

interface Props {
  onNavigate?(section: Section): void;
}

type Notice = { text: string; error: boolean } | null;

/**
 * The Backup page: the set-up wizard while backups are off, the status and settings once on, and
 * the restore wizard from either (offered first when this computer has no chats yet).
 */
export function BackupPage({ onNavigate }: Props) {
  const { status, error, reload, replace } = useBackupStatus();
  const storeEmpty = useStoreIsEmpty();
  const [restoring, setRestoring] = useState(false);
  const [settingUp, setSettingUp] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);

  const onSetupEngaged = useCallback((engaged: boolean) => setSettingUp(engaged), []);
  const onSetupFinished = useCallback(
    (result: SetupResult) => {
      setSettingUp(false);
      setNotice({ text: result.message, error: result.outcome === 'failed' });
      void reload();
    },
    [reload],
  );
  const onSettings = useCallback(
    (settings: BackupSettingsView) => replace((s) => (s ? { ...s, settings } : s)),
    [replace],
  );
  const onRestoreClosed = useCallback(() => setRestoring(false), []);
  // One message at a time: Back up now's own result replaces what set-up said.
  const clearNotice = useCallback(() => setNotice(null), []);

  const restoreButton = (primary: boolean) => (
    <button
      type="button"
      className={primary ? 'button primary' : 'button'}
      onClick={() => {
        setNotice(null);
        setRestoring(true);
      }}
    >
      Restore from a Chatkeep backup…
    </button>
  );

  let body;
  if (restoring) {
    body = (
      <RestoreWizard
        onClose={onRestoreClosed}
        onNavigate={onNavigate}
        offerKeepBackingUp={status !== null && !status.configured}
        onBackupsOn={(next) => {
          replace(next);
          setNotice({
            text: `Backups are on again: this computer keeps backing up to ${next.destination?.label ?? 'the folder you restored from'}.`,
            error: false,
          });
        }}
      />
    );
  } else if (!status) {
    body = error ? (
      <div className="card" role="alert">
        <p className="error">{error}</p>
        <button type="button" className="button" onClick={() => void reload()}>
          Try again
        </button>
      </div>
    ) : (
      <p className="ck-muted">Loading…</p>
    );
  } else if (!status.configured || settingUp) {
    const restoreCard = (
      <section className="card" aria-labelledby="restore-offer-title">
        <h2 id="restore-offer-title">
          {storeEmpty ? 'New computer? Get your chats back' : 'Restore'}
        </h2>
        <p>
          {storeEmpty
            ? 'If you made a Chatkeep backup on another computer, restore it here with its password or recovery key.'
            : 'Bring back chats from a Chatkeep backup made on this or another computer. Chats already here are kept.'}
        </p>
        {restoreButton(Boolean(storeEmpty))}
      </section>
    );
    body = (
      <>
        {storeEmpty && !settingUp && restoreCard}
        <SetupWizard status={status} onEngaged={onSetupEngaged} onFinished={onSetupFinished} />
        {!storeEmpty && !settingUp && restoreCard}
      </>
    );
  } else {
    body = (
      <>
        <StatusCard status={status} onStatus={replace} onRun={clearNotice} />
        <PasswordCheckCard status={status} onStatus={replace} />
        <MediaCard status={status} onSettings={onSettings} />
        <ScheduleCard status={status} onSettings={onSettings} />
        <HistoryCard status={status} onSettings={onSettings} />
        <VerifyCard />
        <SecurityCard
          status={status}
          onNotice={(text) => setNotice({ text, error: false })}
          onChanged={() => void reload()}
        />
        <section className="card" aria-labelledby="restore-title">
          <h2 id="restore-title">Restore</h2>
          <p>
            Bring back chats from this backup or another one. Chats already on this computer are
            kept.
          </p>
          {restoreButton(Boolean(storeEmpty))}
        </section>
      </>
    );
  }

  return (
    <section className="page" aria-labelledby="backup-title">
      <header className="page-header">
        <h1 id="backup-title">Backup</h1>
        <p className="page-lead">
          End-to-end encrypted backups of your chats and media to a folder you own: iCloud Drive,
          Google Drive, OneDrive, Dropbox or any folder. Only you can read them.
        </p>
      </header>
      {notice && !restoring && (
        <div className={notice.error ? 'card ck-notice error' : 'card ck-notice'} role="status">
          <p>{notice.text}</p>
          <button type="button" className="button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {body}
    </section>
  );
}

import { useCallback, useEffect, useState } from 'react';
import type { BackupStatusView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { errorWords } from './error-words';

/** backup.status, kept fresh by backup.changed; `replace` takes a status a call returned. */
export function useBackupStatus() {
  const [status, setStatus] = useState<BackupStatusView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setStatus(await api.invoke('backup.status', {}));
      setError(null);
    } catch (e) {
      setError(errorWords(e));
    }
  }, []);

  useEffect(() => {
    let live = true;
    const load = () =>
      void api.invoke('backup.status', {}).then(
        (next) => live && setStatus(next),
        (e: unknown) => live && setError(errorWords(e)),
      );
    const offChanged = api.on('backup.changed', (next) => live && setStatus(next));
    // A backup's end changes the last backup and the history even if no backup.changed follows.
    const offFinished = api.on('task.finished', (f) => {
      if (f.kind === 'backup') load();
    });
    load();
    return () => {
      live = false;
      offChanged();
      offFinished();
    };
  }, []);

  return { status, error, reload, replace: setStatus };
}

/** Whether the local store holds no chats yet (a new computer): restore is then the first offer. */
export function useStoreIsEmpty(): boolean | null {
  const [empty, setEmpty] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    const check = () =>
      void api.invoke('store.stats', {}).then(
        (stats) => live && setEmpty(stats.chats === 0),
        () => live && setEmpty(null),
      );
    check();
    const off = api.on('store.changed', check);
    return () => {
      live = false;
      off();
    };
  }, []);
  return empty;
}

import { useCallback, useEffect, useState } from 'react';
import type { DataFolderView } from '../../../../shared/settings-types';
import { api } from '../../api';
import { TaskProgressBar } from '../../tasks/TaskProgressBar';
import { useTask } from '../../tasks/tasks';
import { formatBytes, formatCount } from '../../ui/format';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/**
 * Where the chats and media are kept, how much room they take, "Show in folder" and "Move data
 * folder…". Main does the move (copy, check, switch, then remove the old copy) as a task.
 */
export function DataFolderCard() {
  const [folder, setFolder] = useState<DataFolderView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const { finished } = useTask(taskId);

  const load = useCallback(() => {
    void api.invoke('settings.dataFolder', {}).then(setFolder, (e) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    if (finished) load();
  }, [finished, load]);

  const move = async () => {
    setError(null);
    try {
      const picked = await api.invoke('files.pick', { purpose: 'data-folder' });
      if (!picked) return;
      const { taskId: id } = await api.invoke('settings.moveDataFolder', {
        destinationGrantId: picked.grantId,
      });
      setTaskId(id);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const moving = taskId !== null && !finished;
  return (
    <section className="card settings-card" aria-labelledby="settings-data">
      <h2 id="settings-data">Your data on this computer</h2>
      <p className="settings-hint">
        Your chats, photos and other media are kept in this folder, on this computer only.
      </p>
      {folder ? (
        <dl className="facts">
          <dt>Folder</dt>
          <dd data-testid="data-folder-path">{folder.path}</dd>
          <dt>Size</dt>
          <dd data-testid="data-folder-size">
            {formatBytes(folder.bytes)} in {formatCount(folder.files)} file
            {folder.files === 1 ? '' : 's'}
          </dd>
        </dl>
      ) : (
        <p>Loading…</p>
      )}
      <div className="row settings-actions">
        <button
          type="button"
          className="button"
          disabled={moving}
          onClick={() =>
            void api.invoke('settings.revealDataFolder', {}).catch((e) => setError(errorText(e)))
          }
        >
          Show in folder
        </button>
        <button type="button" className="button" disabled={moving} onClick={() => void move()}>
          Move data folder…
        </button>
      </div>
      <p className="settings-hint">
        Moving copies everything to a new “Chatkeep Data” folder inside the one you choose, checks
        every file, and only then removes the old copy. If anything goes wrong, your data stays
        where it is.
      </p>
      {moving && taskId && <TaskProgressBar taskId={taskId} label="Moving your data" cancellable />}
      {finished?.outcome === 'done' && (
        <p role="status" className="success">
          {finished.summary}
        </p>
      )}
      {finished?.outcome === 'cancelled' && (
        <p role="status" className="notice">
          Moving was cancelled. Your data stays where it was.
        </p>
      )}
      {finished?.outcome === 'failed' && (
        <p role="alert" className="error">
          {finished.error?.message ?? 'Moving did not finish. Your data stays where it was.'}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

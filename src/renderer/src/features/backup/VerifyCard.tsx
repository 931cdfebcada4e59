import { useState } from 'react';
import { api } from '../../api';
import { errorWords } from './error-words';
import { useTask } from '../../tasks/tasks';
import { TaskProgressBar } from '../../tasks/TaskProgressBar';

/**
 * Checks the backup can be restored: its structure in full, and a tenth of the data read back
 * and decrypted (as restic's check --read-data-subset), so a silently broken backup is found
 * before the day it is needed.
 */
export function VerifyCard() {
  const [taskId, setTaskId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { finished } = useTask(taskId);

  const verify = async () => {
    setError(null);
    try {
      const reply = await api.invoke('backup.verify', { readDataPercent: 10 });
      setTaskId(reply.taskId);
    } catch (e) {
      setError(errorWords(e));
    }
  };

  const running = taskId !== null && !finished;
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Check the backup</h2>
      <p className="ck-muted">
        Reads the backup&apos;s structure and a random tenth of its data back from the folder, to
        make sure it can be restored.
      </p>
      {running && taskId ? (
        <TaskProgressBar taskId={taskId} label="Checking the backup" />
      ) : (
        <div className="ck-actions">
          <button type="button" className="button" onClick={() => void verify()}>
            Check backup
          </button>
        </div>
      )}
      {finished && (
        <div role="status" data-testid="verify-result">
          {finished.outcome === 'done' && <p className="ck-ok">✓ {finished.summary}</p>}
          {finished.outcome === 'cancelled' && <p className="ck-muted">Check cancelled.</p>}
          {finished.outcome === 'failed' && (
            <>
              <p className="error">
                The check found a problem:{' '}
                {finished.error ? errorWords(finished.error) : finished.summary}
              </p>
              {finished.error && finished.summary && <p>{finished.summary}</p>}
              <p>
                Your chats on this computer are fine. Back up now to write the damaged parts again;
                if the problem stays, choose another backup folder.
              </p>
            </>
          )}
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

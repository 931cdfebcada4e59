import { useState } from 'react';
import { api } from '../api';
import { phaseLabel, progressDetail, progressPercent } from './progress-words';
import { useTask } from './tasks';

interface Props {
  taskId: string;
  /** What is running, e.g. "Backing up": the bar's accessible name. */
  label: string;
  cancellable?: boolean;
}

/** A running task: its phase, a bar with how far along, counts, time left and Cancel. */
export function TaskProgressBar({ taskId, label, cancellable = true }: Props) {
  const { progress, finished } = useTask(taskId);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  if (finished) return null;
  const percent = progress ? progressPercent(progress) : null;
  const detail = progress ? progressDetail(progress) : '';

  const cancel = async () => {
    setCancelling(true);
    try {
      const { cancelled } = await api.invoke('task.cancel', { taskId });
      if (!cancelled) setCancelError('It could not be cancelled: it was already finishing.');
    } catch (e) {
      setCancelError((e as Error).message);
      setCancelling(false);
    }
  };

  return (
    <div className="ck-progress">
      <div className="ck-progress-head">
        <strong>{progress ? phaseLabel(progress.phase) : 'Starting…'}</strong>
        {percent !== null && <span>{percent}%</span>}
      </div>
      <div
        className="ck-progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={
          percent === null
            ? `${label}: ${progress ? phaseLabel(progress.phase) : 'starting'}`
            : `${percent}%${detail ? `, ${detail}` : ''}`
        }
      >
        <div
          className={percent === null ? 'ck-progress-fill indeterminate' : 'ck-progress-fill'}
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </div>
      <div className="ck-progress-foot">
        <span className="ck-muted">{detail}</span>
        {cancellable && (
          <button
            type="button"
            className="button"
            onClick={() => void cancel()}
            disabled={cancelling}
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      {cancelError && <p className="error">{cancelError}</p>}
    </div>
  );
}

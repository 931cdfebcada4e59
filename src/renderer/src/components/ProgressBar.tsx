import type { TaskProgress } from '../../../shared/task-types';
import { formatBytes } from '../format';

function timeLeft(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `about ${Math.max(1, s)} s left`;
  const m = Math.round(s / 60);
  return m < 60 ? `about ${m} min left` : `about ${Math.round(m / 60)} h left`;
}

/** Progress of a task: a bar (determinate when totals are known), phase, counts and time left. */
export function ProgressBar({ label, progress }: { label: string; progress: TaskProgress | null }) {
  const byBytes = progress && progress.bytesTotal > 0;
  const done = progress ? (byBytes ? progress.bytesDone : progress.itemsDone) : 0;
  const total = progress ? (byBytes ? progress.bytesTotal : progress.itemsTotal) : 0;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className="progress">
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={percent === null ? 'Working…' : `${percent}%`}
      >
        <div
          className={`progress-fill${percent === null ? ' indeterminate' : ''}`}
          style={{ width: `${percent ?? 30}%` }}
        />
      </div>
      <div className="progress-text">
        {progress ? (
          <>
            <span className="progress-phase">{progress.phase}</span>
            {progress.itemsTotal > 0
              ? ` · ${progress.itemsDone.toLocaleString()} of ${progress.itemsTotal.toLocaleString()}`
              : progress.itemsDone > 0
                ? ` · ${progress.itemsDone.toLocaleString()}`
                : ''}
            {progress.bytesTotal > 0
              ? ` · ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`
              : ''}
            {progress.etaMs !== null ? ` · ${timeLeft(progress.etaMs)}` : ''}
          </>
        ) : (
          'Starting…'
        )}
      </div>
    </div>
  );
}

import { useEffect, useId, useState } from 'react';
import type { SnapshotView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { formatBytes, formatDateTime } from '../../ui/format';
import { errorWords } from './error-words';
import { cumulativeSizes } from './history';
import { SaveNote, useSaveSettings, type SettingsCardProps } from './useSaveSettings';

/** Past backups, newest first, with the backup's growth over time and how many are kept. */
export function HistoryCard({ status, onSettings }: SettingsCardProps) {
  const [snapshots, setSnapshots] = useState<SnapshotView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastTime = status.lastSuccess?.time ?? null;

  const [version, setVersion] = useState(0);
  // Any backup's end (this page's or a scheduled one) may add a snapshot.
  useEffect(
    () =>
      api.on('task.finished', (f) => {
        if (f.kind === 'backup') setVersion((v) => v + 1);
      }),
    [],
  );

  useEffect(() => {
    let live = true;
    void api.invoke('backup.snapshots', {}).then(
      (list) => {
        if (!live) return;
        setSnapshots(list);
        setError(null);
      },
      (e: unknown) => live && setError(errorWords(e)),
    );
    return () => {
      live = false;
    };
  }, [lastTime, version]);

  const newestFirst = snapshots ? [...snapshots].sort((a, b) => b.time - a.time) : [];
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {error && <p className="error">{error}</p>}
      {snapshots === null && !error && <p className="ck-muted">Loading…</p>}
      {snapshots !== null && snapshots.length === 0 && <p className="ck-muted">No backups yet.</p>}
      {snapshots !== null && snapshots.length > 0 && (
        <>
          <SizeChart snapshots={snapshots} currentTotal={status.lastSuccess?.totalSize ?? null} />
          <div className="ck-table-wrap">
            <table className="ck-table">
              <caption className="sr-only">Backups, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Added</th>
                  <th scope="col">Chats</th>
                  <th scope="col">Messages</th>
                </tr>
              </thead>
              <tbody>
                {newestFirst.map((s) => (
                  <tr key={s.id}>
                    <td>{formatDateTime(s.time)}</td>
                    <td>{formatBytes(s.sizeAdded)}</td>
                    <td>{s.chats.toLocaleString()}</td>
                    <td>{s.messages.toLocaleString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <RetentionForm status={status} onSettings={onSettings} />
    </section>
  );
}

function SizeChart({
  snapshots,
  currentTotal,
}: {
  snapshots: SnapshotView[];
  currentTotal: number | null;
}) {
  const points = cumulativeSizes(snapshots, currentTotal);
  const W = 600;
  const H = 120;
  const PAD = 4;
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;
  const span = Math.max(1, last.time - first.time);
  const top = Math.max(1, last.total);
  const y = (total: number) => H - PAD - (total / top) * (H - 2 * PAD);
  // One backup is a level line across the chart rather than a lone dot.
  const xy =
    points.length === 1
      ? [
          { x: PAD, y: y(first.total) },
          { x: W - PAD, y: y(first.total) },
        ]
      : points.map((p) => ({
          x: PAD + ((p.time - first.time) / span) * (W - 2 * PAD),
          y: y(p.total),
        }));
  const line = xy.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const area = `${PAD},${H - PAD} ${line} ${(xy[xy.length - 1]?.x ?? W).toFixed(1)},${H - PAD}`;
  return (
    <figure className="ck-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Backup size over time: from ${formatBytes(first.total)} on ${formatDateTime(first.time)} to ${formatBytes(last.total)} on ${formatDateTime(last.time)}`}
        preserveAspectRatio="none"
      >
        <polygon points={area} className="ck-chart-area" />
        <polyline points={line} className="ck-chart-line" />
        {points.length > 1 &&
          xy.map((p, i) => <circle key={i} cx={p.x} cy={p.y} r={3} className="ck-chart-dot" />)}
      </svg>
      <figcaption className="ck-muted">
        Backup size over time: {formatBytes(last.total)} in {points.length} backup
        {points.length === 1 ? '' : 's'}
      </figcaption>
    </figure>
  );
}

function RetentionForm({ status, onSettings }: SettingsCardProps) {
  const id = useId();
  const { state, save } = useSaveSettings(onSettings);
  const saved = status.settings.retention;
  const [draft, setDraft] = useState<typeof saved | null>(null);
  const value = draft ?? saved;
  const field = (key: keyof typeof saved, label: string, max: number) => (
    <>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        className="text-input ck-narrow"
        type="number"
        min={0}
        max={max}
        value={value[key]}
        onChange={(e) =>
          setDraft({
            ...value,
            [key]: Math.max(0, Math.min(max, Math.round(Number(e.target.value) || 0))),
          })
        }
      />
    </>
  );
  return (
    <form
      className="ck-retention"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft) void save({ retention: draft }).then((ok) => ok && setDraft(null));
      }}
    >
      <h3>Keep</h3>
      <div className="ck-form-grid">
        {field('keepDaily', 'Daily backups', 365)}
        {field('keepWeekly', 'Weekly backups', 520)}
        {field('keepMonthly', 'Monthly backups', 1200)}
      </div>
      <p className="ck-muted">
        Older backups are removed from the folder; the newest one is always kept.
      </p>
      <div className="ck-actions">
        <button type="submit" className="button" disabled={!draft}>
          Save
        </button>
      </div>
      <SaveNote state={state} />
    </form>
  );
}

import { useEffect, useId, useState } from 'react';
import type { SnapshotView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { formatBytes, formatDate, formatDateTime } from '../../ui/format';
import { errorWords } from './error-words';
import { changeWords, cumulativeSizes } from './history';
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
          <SizeChart snapshots={snapshots} currentTotal={status.sizes.backupBytes} />
          <div className="ck-table-wrap">
            <table className="ck-table">
              <caption className="sr-only">Backups, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">What changed</th>
                  <th scope="col">Chats</th>
                  <th scope="col">Messages</th>
                </tr>
              </thead>
              <tbody>
                {newestFirst.map((s) => (
                  <tr key={s.id}>
                    <td>{formatDateTime(s.time)}</td>
                    <td>{changeWords(s)}</td>
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

/**
 * The backup's size after each backup, with a size axis and dates. One or two backups are bars
 * side by side (a line needs more points to say anything); more are a line with a dot each.
 */
function SizeChart({
  snapshots,
  currentTotal,
}: {
  snapshots: SnapshotView[];
  currentTotal: number | null;
}) {
  const points = cumulativeSizes(snapshots, currentTotal);
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;
  const W = 600;
  const H = 170;
  const LEFT = 70;
  const RIGHT = 16;
  // Room above the tallest bar for its label.
  const TOP = 26;
  const BOTTOM = 26;
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const top = Math.max(1, ...points.map((p) => p.total));
  const y = (total: number) => TOP + plotH - (total / top) * plotH;
  const ticks = [0, top / 2, top];
  const bars = points.length <= 2;
  const span = Math.max(1, last.time - first.time);
  const xs = bars
    ? points.map((_, i) => LEFT + (plotW * (i + 0.5)) / points.length)
    : points.map((p) => LEFT + ((p.time - first.time) / span) * plotW);
  const BAR = 56;
  const line = points.map((p, i) => `${xs[i]!.toFixed(1)},${y(p.total).toFixed(1)}`).join(' ');
  const dateLabels = bars
    ? points.map((p, i) => ({ x: xs[i]!, text: formatDate(p.time), anchor: 'middle' as const }))
    : [
        { x: LEFT, text: formatDate(first.time), anchor: 'start' as const },
        { x: W - RIGHT, text: formatDate(last.time), anchor: 'end' as const },
      ];
  return (
    <figure className="ck-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Backup size over time: from ${formatBytes(first.total)} on ${formatDateTime(first.time)} to ${formatBytes(last.total)} on ${formatDateTime(last.time)}`}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line
              x1={LEFT}
              x2={W - RIGHT}
              y1={y(t)}
              y2={y(t)}
              className={t === 0 ? 'ck-chart-axis' : 'ck-chart-grid'}
            />
            <text x={LEFT - 8} y={y(t) + 4} textAnchor="end" className="ck-chart-label">
              {formatBytes(Math.round(t))}
            </text>
          </g>
        ))}
        <line x1={LEFT} x2={LEFT} y1={TOP} y2={TOP + plotH} className="ck-chart-axis" />
        {bars ? (
          points.map((p, i) => (
            <g key={p.time}>
              <rect
                x={xs[i]! - BAR / 2}
                y={y(p.total)}
                width={BAR}
                height={Math.max(1, TOP + plotH - y(p.total))}
                rx={3}
                className="ck-chart-bar"
              />
              <text x={xs[i]!} y={y(p.total) - 6} textAnchor="middle" className="ck-chart-label">
                {formatBytes(p.total)}
              </text>
            </g>
          ))
        ) : (
          <>
            <polyline points={line} className="ck-chart-line" />
            {points.map((p, i) => (
              <circle key={p.time} cx={xs[i]} cy={y(p.total)} r={3} className="ck-chart-dot" />
            ))}
          </>
        )}
        {dateLabels.map((d) => (
          <text
            key={`${d.x}-${d.text}`}
            x={d.x}
            y={H - 8}
            textAnchor={d.anchor}
            className="ck-chart-label"
          >
            {d.text}
          </text>
        ))}
      </svg>
      <figcaption className="ck-muted">
        Backup size over time: {formatBytes(last.total)} after {points.length} backup
        {points.length === 1 ? '' : 's'}
      </figcaption>
    </figure>
  );
}

/**
 * How many backups to keep. Saved by itself like the other cards, when a field is left (or
 * Enter is pressed) rather than at each keystroke: typing "14" must not first ask to keep 1.
 */
function RetentionForm({ status, onSettings }: SettingsCardProps) {
  const id = useId();
  const { state, save, prompt } = useSaveSettings(onSettings);
  const saved = status.settings.retention;
  const [draft, setDraft] = useState<typeof saved | null>(null);
  const value = draft ?? saved;
  const commit = () => {
    // Already being saved or confirmed: leaving a field again must not ask twice.
    if (!draft || state.kind === 'saving' || prompt !== null) return;
    const changed = (Object.keys(draft) as (keyof typeof saved)[]).some(
      (k) => draft[k] !== saved[k],
    );
    if (!changed) {
      setDraft(null);
      return;
    }
    // Saved or refused, the status (updated by onSettings) shows the truth afterwards.
    void save({ retention: draft }).then(() => setDraft(null));
  };
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
        onBlur={commit}
      />
    </>
  );
  // The password dialog sits beside the form: forms cannot nest.
  return (
    <>
      <form
        className="ck-retention"
        onSubmit={(e) => {
          e.preventDefault();
          commit();
        }}
      >
        <h3>Keep</h3>
        <div className="ck-form-grid">
          {field('keepDaily', 'Daily backups', 365)}
          {field('keepWeekly', 'Weekly backups', 520)}
          {field('keepMonthly', 'Monthly backups', 1200)}
        </div>
        <p className="ck-muted">
          Older backups are removed from the folder; the newest one is always kept. Changes are
          saved when you leave a field.
        </p>
        <SaveNote state={state} />
      </form>
      {prompt}
    </>
  );
}

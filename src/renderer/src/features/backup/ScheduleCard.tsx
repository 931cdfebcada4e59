import { useId, useState } from 'react';
import type { BackupFrequency } from '../../../../shared/backup-types';
import { SaveNote, useSaveSettings, type SettingsCardProps } from './useSaveSettings';

const FREQUENCIES: { value: BackupFrequency; label: string }[] = [
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
  { value: 'monthly', label: 'Monthly' },
  { value: 'manual', label: 'Only when I tap Back up now' },
];

/** When backups run: frequency, time of day, AC power only, and starting Chatkeep at login. */
export function ScheduleCard({ status, onSettings }: SettingsCardProps) {
  const id = useId();
  const { state, save } = useSaveSettings(onSettings);
  const settings = status.settings;
  // The time field is saved once it holds a whole time, not on every keystroke.
  const [time, setTime] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="schedule-title">
      <h2 id="schedule-title">Schedule</h2>
      <div className="ck-form-grid">
        <label htmlFor={`${id}-frequency`}>Back up</label>
        <select
          id={`${id}-frequency`}
          className="text-input"
          value={settings.frequency}
          onChange={(e) => void save({ frequency: e.target.value as BackupFrequency })}
        >
          {FREQUENCIES.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-time`}>Time of day</label>
        <input
          id={`${id}-time`}
          className="text-input ck-narrow"
          type="time"
          value={time ?? settings.timeOfDay}
          disabled={settings.frequency === 'manual'}
          onChange={(e) => setTime(e.target.value)}
          onBlur={() => {
            if (time && /^([01]\d|2[0-3]):[0-5]\d$/.test(time) && time !== settings.timeOfDay) {
              void save({ timeOfDay: time }).then(() => setTime(null));
            }
          }}
        />
      </div>
      <label className="ck-check">
        <input
          type="checkbox"
          checked={settings.onlyOnAcPower}
          onChange={(e) => void save({ onlyOnAcPower: e.target.checked })}
        />{' '}
        Only on AC power
      </label>
      <label className="ck-check">
        <input
          type="checkbox"
          checked={settings.startAtLogin}
          onChange={(e) => void save({ startAtLogin: e.target.checked })}
        />{' '}
        Start Chatkeep at login
      </label>
      <p className="ck-muted">
        A backup missed while the computer was asleep or off runs soon after it wakes.
      </p>
      <SaveNote state={state} />
    </section>
  );
}

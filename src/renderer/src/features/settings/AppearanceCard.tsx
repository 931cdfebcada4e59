import type { AppPreferences } from '../../../../shared/settings-types';

interface Props {
  preferences: AppPreferences;
  onChange(changes: Partial<AppPreferences>): void;
}

const THEMES: { value: AppPreferences['theme']; label: string }[] = [
  { value: 'system', label: 'Same as this computer' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const SIZES: { value: AppPreferences['textSize']; label: string }[] = [
  { value: 'small', label: 'Small' },
  { value: 'default', label: 'Standard' },
  { value: 'large', label: 'Large' },
  { value: 'larger', label: 'Larger' },
];

/** 4:28 PM and 16:28 on the same sample time, so the choice shows what it does. */
function sample(hourCycle?: 'h12' | 'h23'): string {
  const at = new Date(2024, 2, 9, 16, 28).getTime();
  return new Intl.DateTimeFormat(undefined, {
    hour: 'numeric',
    minute: '2-digit',
    ...(hourCycle ? { hourCycle } : {}),
  }).format(at);
}

/** Appearance, text size and time format: applied as soon as they are chosen, and remembered. */
export function AppearanceCard({ preferences, onChange }: Props) {
  const times: { value: AppPreferences['timeFormat']; label: string }[] = [
    { value: 'system', label: `As this computer shows it (${sample()})` },
    { value: '12h', label: `12-hour (${sample('h12')})` },
    { value: '24h', label: `24-hour (${sample('h23')})` },
  ];
  return (
    <section className="card settings-card" aria-labelledby="settings-appearance">
      <h2 id="settings-appearance">Appearance</h2>
      <fieldset className="choice-list">
        <legend>Light or dark</legend>
        {THEMES.map((t) => (
          <label key={t.value}>
            <input
              type="radio"
              name="theme"
              checked={preferences.theme === t.value}
              onChange={() => onChange({ theme: t.value })}
            />
            {t.label}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="settings-text-size">Text size</label>
        <select
          id="settings-text-size"
          className="text-input settings-select"
          value={preferences.textSize}
          onChange={(e) => onChange({ textSize: e.target.value as AppPreferences['textSize'] })}
        >
          {SIZES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="choice-list">
        <legend>Time of messages</legend>
        {times.map((t) => (
          <label key={t.value}>
            <input
              type="radio"
              name="time-format"
              checked={preferences.timeFormat === t.value}
              onChange={() => onChange({ timeFormat: t.value })}
            />
            {t.label}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

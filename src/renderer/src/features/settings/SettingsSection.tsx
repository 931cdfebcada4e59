import { useEffect, useState } from 'react';
import type { AppInfo, Section } from '../../../../shared/ipc/contract';
import type { AppPreferences, SettingsView } from '../../../../shared/settings-types';
import { api } from '../../api';
import { applyAppearance } from '../../ui/appearance';
import { AppearanceCard } from './AppearanceCard';
import { DataFolderCard } from './DataFolderCard';
import { DeleteAllData } from './DeleteAllData';
import { LicensesCard } from './LicensesCard';

interface Props {
  onNavigate(section: Section): void;
}

/** Settings: every change is saved and applied as it is made (no Save button). */
export function SettingsSection({ onNavigate }: Props) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [view, setView] = useState<SettingsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    void api.invoke('app.getInfo', {}).then(setInfo);
    void api.invoke('settings.get', {}).then(setView);
  }, [generation]);

  const change = async (changes: Partial<AppPreferences> & { startAtLogin?: boolean }) => {
    setError(null);
    // Shown at once; main's answer is the truth.
    if (view) {
      const { startAtLogin = view.startAtLogin, ...preferenceChanges } = changes;
      const preferences = { ...view.preferences, ...preferenceChanges };
      applyAppearance(preferences);
      setView({ ...view, preferences, startAtLogin });
    }
    try {
      const next = await api.invoke('settings.update', changes);
      applyAppearance(next.preferences);
      setView(next);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'That could not be saved.');
    }
  };

  return (
    <section className="page settings-page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">Settings</h1>
        <p className="page-lead">Changes are saved as you make them.</p>
      </header>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {view && <AppearanceCard preferences={view.preferences} onChange={(c) => void change(c)} />}

      {view && (
        <section className="card settings-card" aria-labelledby="settings-general">
          <h2 id="settings-general">Notifications and starting</h2>
          <label className="settings-toggle">
            <input
              type="checkbox"
              checked={view.preferences.notifications}
              onChange={(e) => void change({ notifications: e.target.checked })}
            />
            <span>
              Show notifications
              <span className="settings-hint">
                When a backup fails, or it is time to check you still remember your password.
              </span>
            </span>
          </label>
          <label className="settings-toggle">
            <input
              type="checkbox"
              checked={view.startAtLogin}
              disabled={!view.startAtLoginAvailable}
              onChange={(e) => void change({ startAtLogin: e.target.checked })}
            />
            <span>
              Start Chatkeep when I log in
              <span className="settings-hint">
                It waits in the tray or menu bar, so scheduled backups run.
              </span>
            </span>
          </label>
        </section>
      )}

      <DataFolderCard key={`data-${generation}`} />

      <section className="card settings-card" aria-labelledby="settings-backup">
        <h2 id="settings-backup">Backup</h2>
        <p className="settings-hint">
          Where your encrypted backups go, how often, your password and recovery key.
        </p>
        <button type="button" className="button" onClick={() => onNavigate('backup')}>
          Open Backup settings
        </button>
      </section>

      <LicensesCard />

      <section className="card settings-card" aria-labelledby="settings-about">
        <h2 id="settings-about">About</h2>
        {info ? (
          <dl className="facts">
            <dt>Version</dt>
            <dd data-testid="app-version">{info.version}</dd>
            <dt>Platform</dt>
            <dd>{info.platform}</dd>
          </dl>
        ) : (
          <p>Loading…</p>
        )}
      </section>

      <DeleteAllData
        onDeleted={() => {
          // Everything is back to the defaults, the look included.
          setGeneration((n) => n + 1);
          void api.invoke('settings.get', {}).then((next) => applyAppearance(next.preferences));
        }}
      />
    </section>
  );
}

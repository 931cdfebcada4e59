import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../../shared/ipc/contract';
import { api } from '../../api';

export function SettingsSection() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    void api.invoke('app.getInfo', {}).then(setInfo);
  }, []);
  return (
    <section className="page" aria-labelledby="settings-title">
      <header className="page-header">
        <h1 id="settings-title">Settings</h1>
      </header>
      <div className="card">
        <h2>About</h2>
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
      </div>
    </section>
  );
}

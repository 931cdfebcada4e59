import { useState } from 'react';
import type { LicenseEntry } from '../../../../shared/settings-types';
import { api } from '../../api';

/** The libraries Chatkeep ships and their licences, listed when the app was built. */
export function LicensesCard() {
  const [list, setList] = useState<LicenseEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (next && !list) {
      api.invoke('settings.licenses', {}).then(setList, (e: unknown) => {
        setError(e instanceof Error ? e.message : 'The list could not be read.');
      });
    }
  };

  return (
    <section className="card settings-card" aria-labelledby="settings-licenses">
      <h2 id="settings-licenses">Licences</h2>
      <p className="settings-hint">
        Chatkeep is built with open-source libraries. Each is used under its own licence.
      </p>
      <button type="button" className="button" aria-expanded={open} onClick={toggle}>
        {open ? 'Hide the libraries' : 'Show the libraries and their licences'}
      </button>
      {open && error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {open && list && (
        <table className="settings-licenses" aria-label="Libraries and their licences">
          <thead>
            <tr>
              <th scope="col">Library</th>
              <th scope="col">Version</th>
              <th scope="col">Licence</th>
            </tr>
          </thead>
          <tbody>
            {list.map((l) => (
              <tr key={`${l.name}@${l.version}`}>
                <td>{l.name}</td>
                <td>{l.version}</td>
                <td>{l.license}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

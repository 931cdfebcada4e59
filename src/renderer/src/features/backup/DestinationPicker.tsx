import { useEffect, useId, useState } from 'react';
import type { DestinationView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { formatBytes } from '../../ui/format';
import { errorWords } from './error-words';

export interface ChosenFolder {
  grantId: string;
  label: string;
  path: string;
  freeBytes: number | null;
}

interface Props {
  purpose: 'backup-folder' | 'restore-folder';
  legend: string;
  value: ChosenFolder | null;
  onChange(next: ChosenFolder): void;
}

const KIND_ICONS: Record<DestinationView['kind'], string> = {
  icloud: '☁️',
  'google-drive': '☁️',
  onedrive: '☁️',
  dropbox: '📦',
  folder: '📁',
};

/** The synced folders Chatkeep found, first, as radio choices; then any folder, by the OS picker. */
export function DestinationPicker({ purpose, legend, value, onChange }: Props) {
  const id = useId();
  const [found, setFound] = useState<DestinationView[] | null>(null);
  const [picked, setPicked] = useState<ChosenFolder | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void api.invoke('backup.destinations', { purpose }).then(
      (list) => live && setFound(list),
      (e: unknown) => {
        if (!live) return;
        setFound([]);
        setError(errorWords(e));
      },
    );
    return () => {
      live = false;
    };
  }, [purpose]);

  const pick = async () => {
    setError(null);
    try {
      const chosen = await api.invoke('files.pick', { purpose });
      if (!chosen) return;
      // A hand-picked backup folder gets the same "is there room?" check as a found one.
      const freeBytes =
        purpose === 'backup-folder'
          ? await api
              .invoke('backup.freeSpace', { folderGrantId: chosen.grantId })
              .then((r) => r.freeBytes)
              .catch(() => null)
          : null;
      const folder = {
        grantId: chosen.grantId,
        label: chosen.name,
        path: chosen.path,
        freeBytes,
      };
      setPicked(folder);
      onChange(folder);
    } catch (e) {
      setError(errorWords(e));
    }
  };

  const options: ChosenFolder[] = [
    ...(found ?? []).map((d) => ({
      grantId: d.grantId,
      label: d.label,
      path: d.path,
      freeBytes: d.freeBytes,
    })),
    ...(picked ? [picked] : []),
  ];

  return (
    <fieldset className="ck-destinations">
      <legend>{legend}</legend>
      {found === null && (
        <p className="ck-muted">
          Looking for iCloud Drive, Google Drive, OneDrive and Dropbox folders…
        </p>
      )}
      {found !== null && found.length === 0 && !picked && (
        <p className="ck-muted">
          No synced cloud folders found on this computer. Choose any folder.
        </p>
      )}
      <ul className="ck-radio-list">
        {options.map((option) => (
          <li key={option.grantId}>
            <label className="ck-radio-card">
              <input
                type="radio"
                name={`${id}-folder`}
                checked={value?.grantId === option.grantId}
                onChange={() => onChange(option)}
              />
              <span>
                <span className="ck-radio-title">
                  <span aria-hidden="true">
                    {
                      KIND_ICONS[found?.find((d) => d.grantId === option.grantId)?.kind ?? 'folder']
                    }{' '}
                  </span>
                  {option.label}
                </span>
                <span className="ck-muted ck-path">{option.path}</span>
                {option.freeBytes !== null && (
                  <span className="ck-muted">{formatBytes(option.freeBytes)} free</span>
                )}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <button type="button" className="button" onClick={() => void pick()}>
        {options.length > 0 ? 'Choose another folder…' : 'Choose a folder…'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

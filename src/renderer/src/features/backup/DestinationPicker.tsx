import { useEffect, useId, useState } from 'react';
import type { DestinationView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { formatBytes } from '../../ui/format';
import { errorWords } from './error-words';
import { NetworkDestinationForm, type NetworkKind } from './NetworkDestinationForm';

/**
 * Where a backup is (or goes): a folder main granted (a found synced folder, or one picked in
 * the OS dialog), or a network location that passed "Test connection" (main holds it under
 * `connectionId`). Exactly one of `grantId` and `connectionId` is set.
 */
export interface ChosenFolder {
  grantId?: string;
  connectionId?: string;
  label: string;
  /** For a folder, where it is (shown, never sent back); empty for a network location. */
  path: string;
  freeBytes: number | null;
}

/** The request fields naming a chosen destination for backup.setup. */
export function destinationOf(chosen: ChosenFolder) {
  return chosen.connectionId
    ? { connectionId: chosen.connectionId }
    : { destinationGrantId: chosen.grantId ?? '' };
}

/** The request fields naming a chosen backup for restore.inspect and restore.open. */
export function sourceOf(chosen: ChosenFolder) {
  return chosen.connectionId
    ? { connectionId: chosen.connectionId }
    : { folderGrantId: chosen.grantId ?? '' };
}

interface Props {
  purpose: 'backup-folder' | 'restore-folder';
  legend: string;
  value: ChosenFolder | null;
  onChange(next: ChosenFolder | null): void;
}

type Kind = 'cloud' | 'folder' | NetworkKind;

const KINDS: { kind: Kind; title: string; hint: string }[] = [
  {
    kind: 'cloud',
    title: 'Cloud folder on this computer',
    hint: 'iCloud Drive, Google Drive, OneDrive, Dropbox',
  },
  { kind: 'folder', title: 'Another folder', hint: 'A USB disk, a network share, any folder' },
  { kind: 'webdav', title: 'Nextcloud or WebDAV', hint: 'Nextcloud, ownCloud, a NAS' },
  { kind: 'sftp', title: 'NAS or server (SFTP)', hint: 'Synology, QNAP, TrueNAS, any SSH server' },
  { kind: 's3', title: 'S3-compatible storage', hint: 'Backblaze B2, Wasabi, R2, AWS S3, MinIO' },
  {
    kind: 'rclone',
    title: 'Other cloud via rclone',
    hint: 'Drive, OneDrive, Dropbox, pCloud, Box…',
  },
];

const KIND_ICONS: Record<DestinationView['kind'], string> = {
  icloud: '☁️',
  'google-drive': '☁️',
  onedrive: '☁️',
  dropbox: '📦',
  folder: '📁',
};

/**
 * The kinds of place a backup can live, as radio choices: synced folders Chatkeep found, any
 * folder (the OS picker), and the network kinds, each with its form and "Test connection".
 */
export function DestinationPicker({ purpose, legend, value, onChange }: Props) {
  const id = useId();
  const [found, setFound] = useState<DestinationView[] | null>(null);
  const [picked, setPicked] = useState<ChosenFolder | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind>('folder');

  useEffect(() => {
    let live = true;
    void api.invoke('backup.destinations', { purpose }).then(
      (list) => {
        if (!live) return;
        setFound(list);
        // Found synced folders come first when there are any.
        if (list.length > 0) setKind((k) => (k === 'folder' && !value ? 'cloud' : k));
      },
      (e: unknown) => {
        if (!live) return;
        setFound([]);
        setError(errorWords(e));
      },
    );
    return () => {
      live = false;
    };
    // Only when the purpose changes: the chosen value must not re-run detection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [purpose]);

  const chooseKind = (next: Kind) => {
    if (next === kind) return;
    setKind(next);
    setError(null);
    // The choice made under another kind no longer applies.
    onChange(next === 'folder' ? picked : null);
  };

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

  const cloud: ChosenFolder[] = (found ?? []).map((d) => ({
    grantId: d.grantId,
    label: d.label,
    path: d.path,
    freeBytes: d.freeBytes,
  }));
  const folders = kind === 'cloud' ? cloud : picked ? [picked] : [];
  const noneFound = found !== null && found.length === 0;

  return (
    <fieldset className="ck-destinations">
      <legend>{legend}</legend>
      <div className="ck-kind-list" role="radiogroup" aria-label="Kind of place">
        {KINDS.map((k) => (
          <label key={k.kind} className="ck-radio-card">
            <input
              type="radio"
              name={`${id}-kind`}
              checked={kind === k.kind}
              disabled={k.kind === 'cloud' && noneFound}
              onChange={() => chooseKind(k.kind)}
            />
            <span>
              <span className="ck-radio-title">{k.title}</span>
              <span className="ck-muted">
                {k.kind === 'cloud'
                  ? found === null
                    ? 'Looking for synced folders…'
                    : noneFound
                      ? 'None found on this computer'
                      : `${found.length} found: ${found.map((d) => d.label).join(', ')}`
                  : k.hint}
              </span>
            </span>
          </label>
        ))}
      </div>

      {(kind === 'cloud' || kind === 'folder') && (
        <>
          {folders.length > 0 && (
            <ul className="ck-radio-list">
              {folders.map((option) => (
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
                            KIND_ICONS[
                              found?.find((d) => d.grantId === option.grantId)?.kind ?? 'folder'
                            ]
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
          )}
          {kind === 'folder' && (
            <button type="button" className="button" onClick={() => void pick()}>
              {folders.length > 0 ? 'Choose another folder…' : 'Choose a folder…'}
            </button>
          )}
        </>
      )}

      {kind !== 'cloud' && kind !== 'folder' && (
        <NetworkDestinationForm
          key={kind}
          kind={kind}
          purpose={purpose === 'backup-folder' ? 'backup-destination' : 'restore-source'}
          onTested={(tested) =>
            onChange(
              tested
                ? {
                    connectionId: tested.connectionId,
                    label: tested.label,
                    path: '',
                    freeBytes: tested.freeBytes,
                  }
                : null,
            )
          }
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

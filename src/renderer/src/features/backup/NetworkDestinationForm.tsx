import { useId, useState } from 'react';
import type { ConnectionTestView } from '../../../../shared/backup-types';
import type { RequestOf } from '../../../../shared/ipc/contract';
import { api } from '../../api';
import { formatBytes } from '../../ui/format';
import { errorWords } from './error-words';

export type NetworkKind = 'webdav' | 'sftp' | 's3' | 'rclone';

/** A network location that passed "Test connection": main holds it under `connectionId`. */
export interface TestedNetwork {
  connectionId: string;
  label: string;
  freeBytes: number | null;
}

interface Props {
  kind: NetworkKind;
  purpose: 'backup-destination' | 'restore-source';
  /** Called with the tested location, or null as soon as a field changes after a test. */
  onTested(next: TestedNetwork | null): void;
}

type TestRequest = RequestOf<'backup.testConnection'>;

interface Fields {
  url: string;
  user: string;
  password: string;
  host: string;
  port: string;
  path: string;
  sftpAuth: 'password' | 'key';
  keyGrantId: string | null;
  keyName: string;
  passphrase: string;
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  remote: string;
}

const DEFAULTS: Fields = {
  url: '',
  user: '',
  password: '',
  host: '',
  port: '22',
  path: 'chatkeep-backup',
  sftpAuth: 'password',
  keyGrantId: null,
  keyName: '',
  passphrase: '',
  endpoint: '',
  region: '',
  bucket: '',
  prefix: 'chatkeep',
  pathStyle: true,
  accessKeyId: '',
  secretAccessKey: '',
  remote: '',
};

const INTRO: Record<NetworkKind, string> = {
  webdav:
    'Nextcloud, ownCloud, a NAS or any WebDAV server. In Nextcloud, Files → Settings shows the WebDAV address; add a folder name at its end. Use an app password rather than your login password.',
  sftp: 'Any computer or NAS you can reach with SSH (Synology, QNAP, TrueNAS, a Linux server). A folder name without a leading "/" is inside your home folder.',
  s3: 'Backblaze B2, Wasabi, Cloudflare R2, AWS S3, MinIO or any S3-compatible storage. Create the bucket and an access key in your provider’s console first.',
  rclone:
    'Google Drive, OneDrive, Dropbox, pCloud, Box, Mega and more, through rclone. Set the remote up first with “rclone config” (it signs in there), then give its name and a folder.',
};

/** What the form describes, as the contract's request; null while something required is empty. */
function toRequest(kind: NetworkKind, f: Fields, purpose: Props['purpose']): TestRequest | null {
  const base = { purpose };
  switch (kind) {
    case 'webdav': {
      const url = f.url.trim().replace(/\/+$/, '');
      if (!url) return null;
      return {
        ...base,
        location: { kind, url, ...(f.user.trim() ? { user: f.user.trim() } : {}) },
        credentials: f.password ? { password: f.password } : {},
      };
    }
    case 'sftp': {
      const host = f.host.trim();
      const port = Number(f.port.trim() || '22');
      if (!host || !f.path.trim() || !Number.isInteger(port)) return null;
      if (f.sftpAuth === 'key' && !f.keyGrantId) return null;
      return {
        ...base,
        location: {
          kind,
          host,
          ...(port !== 22 ? { port } : {}),
          ...(f.user.trim() ? { user: f.user.trim() } : {}),
          path: f.path.trim(),
        },
        credentials:
          f.sftpAuth === 'key'
            ? {
                privateKeyGrantId: f.keyGrantId ?? undefined,
                ...(f.passphrase ? { passphrase: f.passphrase } : {}),
              }
            : f.password
              ? { password: f.password }
              : {},
      };
    }
    case 's3': {
      const raw = f.endpoint.trim().replace(/\/+$/, '');
      if (!raw || !f.bucket.trim()) return null;
      const endpoint = /^https?:\/\//.test(raw) ? raw : `https://${raw}`;
      return {
        ...base,
        location: {
          kind,
          endpoint,
          bucket: f.bucket.trim(),
          prefix: f.prefix.trim().replace(/^\/+|\/+$/g, ''),
          ...(f.region.trim() ? { region: f.region.trim() } : {}),
          pathStyle: f.pathStyle,
        },
        credentials: {
          ...(f.accessKeyId.trim() ? { accessKeyId: f.accessKeyId.trim() } : {}),
          ...(f.secretAccessKey ? { secretAccessKey: f.secretAccessKey } : {}),
        },
      };
    }
    case 'rclone': {
      const remote = f.remote.trim();
      if (!remote) return null;
      return { ...base, location: { kind, remote }, credentials: {} };
    }
  }
}

/**
 * The form for one kind of network destination, with "Test connection": main writes, reads back
 * and deletes a test file there and answers in plain words. Secrets typed here go to main once,
 * with the test; main keeps them in the OS keychain when the backup is set up.
 */
export function NetworkDestinationForm({ kind, purpose, onTested }: Props) {
  const id = useId();
  const [f, setF] = useState<Fields>(DEFAULTS);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConnectionTestView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => {
    setF((previous) => ({ ...previous, [key]: value }));
    // Anything changed after a test must be tested again.
    if (result) {
      setResult(null);
      onTested(null);
    }
  };

  const request = toRequest(kind, f, purpose);

  const [replaceConfirmed, setReplaceConfirmed] = useState(false);

  const runTest = async (hostKey?: { trust: string } | { replace: string }) => {
    if (!request) return;
    setBusy(true);
    setError(null);
    setResult(null);
    onTested(null);
    try {
      const reply = await api.invoke('backup.testConnection', {
        ...request,
        ...(hostKey && 'trust' in hostKey ? { trustHostKey: hostKey.trust } : {}),
        ...(hostKey && 'replace' in hostKey ? { replaceHostKey: hostKey.replace } : {}),
      });
      setReplaceConfirmed(false);
      setResult(reply);
      if (reply.ok)
        onTested({
          connectionId: reply.connectionId,
          label: reply.label,
          freeBytes: reply.freeBytes,
        });
    } catch (e) {
      setError(errorWords(e));
    } finally {
      setBusy(false);
    }
  };

  const chooseKey = async () => {
    try {
      const picked = await api.invoke('files.pick', { purpose: 'ssh-key' });
      if (!picked) return;
      setF((previous) => ({ ...previous, keyGrantId: picked.grantId, keyName: picked.name }));
      if (result) {
        setResult(null);
        onTested(null);
      }
    } catch (e) {
      setError(errorWords(e));
    }
  };

  const text = (
    key: keyof Fields,
    label: string,
    opts: {
      type?: 'text' | 'password' | 'url';
      placeholder?: string;
      hint?: string;
      required?: boolean;
      autoComplete?: string;
      inputMode?: 'numeric';
    } = {},
  ) => (
    <div className="ck-field">
      <label htmlFor={`${id}-${key}`}>
        {label}
        {opts.required === false && <span className="ck-muted"> (optional)</span>}
      </label>
      <input
        id={`${id}-${key}`}
        type={opts.type ?? 'text'}
        value={f[key] as string}
        placeholder={opts.placeholder}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete={opts.autoComplete ?? 'off'}
        inputMode={opts.inputMode}
        aria-describedby={opts.hint ? `${id}-${key}-hint` : undefined}
        disabled={busy}
        onChange={(e) => set(key, e.target.value as never)}
      />
      {opts.hint && (
        <p id={`${id}-${key}-hint`} className="ck-muted">
          {opts.hint}
        </p>
      )}
    </div>
  );

  return (
    <div className="ck-network-form" role="group" aria-labelledby={`${id}-intro`}>
      <p id={`${id}-intro`} className="ck-muted">
        {INTRO[kind]}
      </p>
      {kind === 'webdav' && (
        <>
          {text('url', 'Server address', {
            type: 'url',
            placeholder: 'https://cloud.example.org/remote.php/dav/files/you/Chatkeep',
            hint: 'The WebDAV address, including the folder for the backup (it is created if missing).',
          })}
          {text('user', 'User name', { autoComplete: 'username' })}
          {text('password', 'Password', { type: 'password' })}
        </>
      )}
      {kind === 'sftp' && (
        <>
          {text('host', 'Server', { placeholder: 'nas.local or 192.168.1.20' })}
          {text('port', 'Port', { inputMode: 'numeric' })}
          {text('user', 'User name', { autoComplete: 'username' })}
          {text('path', 'Folder on the server', {
            hint: 'Created if missing. Without a leading "/", it is inside your home folder.',
          })}
          <fieldset className="ck-sign-in" disabled={busy}>
            <legend>Sign in with</legend>
            <label className="ck-check">
              <input
                type="radio"
                name={`${id}-auth`}
                checked={f.sftpAuth === 'password'}
                onChange={() => set('sftpAuth', 'password')}
              />
              A password
            </label>
            <label className="ck-check">
              <input
                type="radio"
                name={`${id}-auth`}
                checked={f.sftpAuth === 'key'}
                onChange={() => set('sftpAuth', 'key')}
              />
              An SSH key file
            </label>
          </fieldset>
          {f.sftpAuth === 'password' ? (
            text('password', 'Password', { type: 'password' })
          ) : (
            <>
              <p>
                <button type="button" className="button" onClick={() => void chooseKey()}>
                  {f.keyGrantId ? 'Choose another key file…' : 'Choose your key file…'}
                </button>{' '}
                {f.keyGrantId && <span className="ck-muted">{f.keyName}</span>}
              </p>
              {text('passphrase', 'Key passphrase', { type: 'password', required: false })}
            </>
          )}
        </>
      )}
      {kind === 's3' && (
        <>
          {text('endpoint', 'Endpoint', {
            type: 'url',
            placeholder: 'https://s3.eu-central-003.backblazeb2.com',
            hint: 'The S3 address your provider gives (for AWS: https://s3.amazonaws.com).',
          })}
          {text('region', 'Region', { placeholder: 'us-east-1', required: false })}
          {text('bucket', 'Bucket')}
          {text('prefix', 'Folder in the bucket', { required: false })}
          <label className="ck-check">
            <input
              type="checkbox"
              checked={f.pathStyle}
              disabled={busy}
              onChange={(e) => set('pathStyle', e.target.checked)}
            />
            Bucket name in the path (MinIO and most services other than AWS)
          </label>
          {text('accessKeyId', 'Access key ID')}
          {text('secretAccessKey', 'Secret access key', { type: 'password' })}
        </>
      )}
      {kind === 'rclone' && (
        <>
          {text('remote', 'Remote and folder', {
            placeholder: 'gdrive:Chatkeep',
            hint: 'A remote name from “rclone listremotes”, a colon, then the folder for the backup.',
          })}
        </>
      )}

      <div className="ck-actions ck-test-connection">
        <button
          type="button"
          className="button"
          disabled={!request || busy}
          onClick={() => void runTest()}
        >
          {busy ? 'Testing…' : 'Test connection'}
        </button>
      </div>
      <div aria-live="polite">
        {busy && <p className="ck-muted">Writing, reading and deleting a test file…</p>}
        {result?.ok && (
          <p className="ck-found" role="status">
            <span aria-hidden="true">✅ </span>
            Connected to {result.label}: a test file was written, read back and deleted.
            {result.freeBytes !== null && ` ${formatBytes(result.freeBytes)} free.`}
          </p>
        )}
      </div>
      {result && !result.ok && (
        <div className="error" role="alert">
          <p>{result.message}</p>
          {result.fingerprint && (
            <p>
              {result.problem === 'host-key-changed' ? 'It now shows' : 'Fingerprint'}:{' '}
              <code className="ck-fingerprint">{result.fingerprint}</code>
            </p>
          )}
        </div>
      )}
      {result && !result.ok && result.problem === 'host-key-unknown' && result.fingerprint && (
        <div className="ck-actions">
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => result.fingerprint && void runTest({ trust: result.fingerprint })}
          >
            The fingerprint matches: trust this server
          </button>
        </div>
      )}
      {result && !result.ok && result.problem === 'host-key-changed' && result.fingerprint && (
        <div className="ck-warning">
          <label className="ck-check">
            <input
              type="checkbox"
              checked={replaceConfirmed}
              disabled={busy}
              onChange={(e) => setReplaceConfirmed(e.target.checked)}
            />
            The server was reinstalled, and its owner confirmed this new fingerprint
          </label>
          <button
            type="button"
            className="button"
            disabled={busy || !replaceConfirmed}
            onClick={() => result.fingerprint && void runTest({ replace: result.fingerprint })}
          >
            Trust the new key
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

import { useEffect, useState, type DragEvent } from 'react';
import type { ImportPreviewView } from '../../../../shared/import-types';
import type { Section } from '../../../../shared/ipc/contract';
import { api } from '../../api';
import { TaskProgressBar } from '../../tasks/TaskProgressBar';
import { useTask } from '../../tasks/tasks';
import { formatBytes, formatDateTime } from '../../ui/format';
import { PhoneGuides } from './phone-guides';

interface Props {
  onNavigate(section: Section, chatId?: number): void;
}

type Picked = { grantId: string; name: string };

/** What unlocks an encrypted backup of each kind: its name, and how many digits it has. */
function secretOf(format: ImportPreviewView['format']): { name: string; digits: number } {
  return format === 'signal-android'
    ? { name: '30-digit passphrase', digits: 30 }
    : { name: '64-digit key', digits: 64 };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function ImportSection({ onNavigate }: Props) {
  const [picked, setPicked] = useState<Picked | null>(null);
  const [preview, setPreview] = useState<ImportPreviewView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [owner, setOwner] = useState('');
  const [title, setTitle] = useState('');
  const [key, setKey] = useState('');
  const [taskId, setTaskId] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [reading, setReading] = useState<{ bytesDone: number; bytesTotal: number } | null>(null);
  const { finished } = useTask(taskId);

  // How far main has read the chosen file, while the preview is being made.
  useEffect(
    () =>
      api.on('import.reading', (r) => {
        if (r.grantId === picked?.grantId) setReading(r);
      }),
    [picked],
  );

  const reset = () => {
    setPicked(null);
    setPreview(null);
    setError(null);
    setTaskId(null);
    setKey('');
  };

  const inspect = async (file: Picked, withKey?: string) => {
    setBusy(true);
    setReading(null);
    setError(null);
    try {
      const result = await api.invoke('import.inspect', {
        grantId: file.grantId,
        ...(withKey ? { key: withKey } : {}),
      });
      setPreview(result);
      setOwner(result.suggestedOwner ?? result.participants[0] ?? '');
      setTitle(result.chats.length === 1 ? (result.chats[0]?.title ?? '') : '');
    } catch (e) {
      setPreview(null);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const choose = async (purpose: 'import-file' | 'import-folder') => {
    setError(null);
    const file = await api.invoke('files.pick', { purpose });
    if (!file) return;
    reset();
    setPicked(file);
    await inspect(file);
  };

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (!file) return;
    const grant = window.chatkeep.grantDroppedFile
      ? await window.chatkeep.grantDroppedFile(file)
      : null;
    if (!grant) {
      setError('This file cannot be opened by dropping it here. Use “Choose a file…” instead.');
      return;
    }
    reset();
    setPicked(grant);
    await inspect(grant);
  };

  const start = async () => {
    if (!picked || !preview) return;
    setError(null);
    try {
      const { taskId: id } = await api.invoke('import.start', {
        grantId: picked.grantId,
        ...(preview.needs.owner ? { owner } : {}),
        ...(preview.needs.owner && title.trim() ? { chatTitle: title.trim() } : {}),
        ...(key ? { key } : {}),
      });
      setTaskId(id);
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    if (finished?.outcome === 'failed') setError(finished.error?.message ?? 'The import failed.');
  }, [finished]);

  const needsKey = preview?.needs.key ?? false;
  const secret = secretOf(preview?.format ?? 'whatsapp-crypt');
  const importing = taskId !== null && !finished;

  return (
    <section className="page" aria-labelledby="import-title">
      <header className="page-header">
        <h1 id="import-title">Import</h1>
        <p className="page-lead">
          Bring your phone&apos;s history to this computer. Chatkeep reads the file here, on this
          computer; nothing is uploaded. Importing the same file again adds nothing twice.
        </p>
      </header>

      {!preview && !busy && (
        <div
          className={`card drop-zone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => void onDrop(e)}
        >
          <p className="drop-zone-title">
            <strong>Drop a file or folder here</strong>, or choose one:
          </p>
          <div className="row">
            <button
              type="button"
              className="button primary"
              onClick={() => void choose('import-file')}
            >
              Choose a file…
            </button>
            <button type="button" className="button" onClick={() => void choose('import-folder')}>
              Choose a folder…
            </button>
          </div>
          <p className="drop-zone-hint">
            A WhatsApp chat export or backup, an iPhone backup folder, a Telegram Desktop export or
            a Signal backup. Not sure which you have? See below.
          </p>
        </div>
      )}

      {busy && (
        <div className="card import-reading" role="status" aria-label="Reading the file">
          <p>
            Reading <strong>{picked?.name}</strong>
            {reading && reading.bytesTotal > 0
              ? ` (${formatBytes(reading.bytesDone)} of ${formatBytes(reading.bytesTotal)})`
              : ''}
            …
          </p>
          <div
            className="ck-progress-track"
            role="progressbar"
            aria-label={`Reading ${picked?.name ?? 'the file'}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={
              reading && reading.bytesTotal > 0
                ? Math.min(100, Math.round((reading.bytesDone / reading.bytesTotal) * 100))
                : undefined
            }
          >
            {reading && reading.bytesTotal > 0 ? (
              <div
                className="ck-progress-fill"
                style={{
                  width: `${Math.min(100, (reading.bytesDone / reading.bytesTotal) * 100)}%`,
                }}
              />
            ) : (
              <div className="ck-progress-fill indeterminate" />
            )}
          </div>
        </div>
      )}
      {error && (
        <section className="card import-error" role="alert" aria-labelledby="import-error-title">
          <h2 id="import-error-title">
            {picked ? `Chatkeep could not import “${picked.name}”` : 'That did not work'}
          </h2>
          <p>{error}</p>
          <button type="button" className="button" onClick={reset}>
            Choose another file
          </button>
        </section>
      )}

      {preview && (
        <section className="card" aria-label="What was found">
          <h2>{preview.description}</h2>
          <dl className="facts">
            <dt>File</dt>
            <dd>{preview.fileName}</dd>
            <dt>Chats</dt>
            <dd data-testid="preview-chats">
              {preview.chats.length === 1 ? preview.chats[0]?.title : preview.chats.length}
            </dd>
            <dt>Messages</dt>
            <dd data-testid="preview-messages">{preview.messages.toLocaleString()}</dd>
            <dt>Media</dt>
            <dd>
              {preview.media.included} of {preview.media.count} files included (
              {formatBytes(preview.media.bytes)})
            </dd>
            {preview.dateRange && (
              <>
                <dt>From</dt>
                <dd>
                  {formatDateTime(preview.dateRange.first)} to{' '}
                  {formatDateTime(preview.dateRange.last)}
                </dd>
              </>
            )}
          </dl>
          {preview.warnings.map((w) => (
            <p key={w} className="notice">
              {w}
            </p>
          ))}

          {needsKey && (
            <div className="field">
              <label htmlFor="import-key">This backup is encrypted. Enter its {secret.name}</label>
              <input
                id="import-key"
                className="text-input"
                autoComplete="off"
                spellCheck={false}
                value={key}
                onChange={(e) => setKey(e.target.value)}
              />
              <div className="row">
                <button
                  type="button"
                  className="button"
                  disabled={key.replace(/[\s-]/g, '').length !== secret.digits}
                  onClick={() => picked && void inspect(picked, key)}
                >
                  Unlock
                </button>
              </div>
            </div>
          )}

          {preview.needs.owner && (
            <>
              <fieldset className="choice-list">
                <legend>Which of these people is you?</legend>
                {preview.participants.map((p) => (
                  <label key={p}>
                    <input
                      type="radio"
                      name="owner"
                      value={p}
                      checked={owner === p}
                      onChange={() => setOwner(p)}
                    />
                    {p}
                    {p === preview.suggestedOwner ? ' (most likely)' : ''}
                  </label>
                ))}
              </fieldset>
              <div className="field">
                <label htmlFor="import-title-input">Chat name</label>
                <input
                  id="import-title-input"
                  className="text-input"
                  value={title}
                  onChange={(e) => setTitle(e.target.value)}
                />
              </div>
            </>
          )}

          {!taskId && (
            <div className="row">
              <button
                type="button"
                className="button primary"
                disabled={needsKey || (preview.needs.owner && !owner)}
                onClick={() => void start()}
              >
                Import
              </button>
              <button type="button" className="button" onClick={reset}>
                Cancel
              </button>
            </div>
          )}

          {importing && taskId && <TaskProgressBar taskId={taskId} label="Importing" />}

          {finished?.outcome === 'done' && (
            <div role="status">
              <p className="success">{finished.summary}</p>
              <div className="row">
                <button
                  type="button"
                  className="button primary"
                  onClick={() => onNavigate('chats', finished.chatIds[0])}
                >
                  Open the chat{finished.chatIds.length > 1 ? 's' : ''}
                </button>
                <button type="button" className="button" onClick={reset}>
                  Import something else
                </button>
              </div>
            </div>
          )}
          {finished?.outcome === 'cancelled' && (
            <p role="status" className="notice">
              {finished.summary}
            </p>
          )}
        </section>
      )}

      {!preview && !busy && <PhoneGuides />}
    </section>
  );
}

import { useEffect, useId, useState } from 'react';
import type { MediaKind } from '../../../../../shared/chat-types';
import type {
  ExportEstimateView,
  ExportFormatName,
  ExportRequestView,
} from '../../../../../shared/export-types';
import { MEDIA_NAMES } from '../../../../../shared/message-labels';
import { api } from '../../../api';
import { TaskProgressBar } from '../../../tasks/TaskProgressBar';
import { useTask } from '../../../tasks/tasks';
import { Dialog } from '../../../ui/Dialog';
import { formatBytes } from '../../../ui/format';

const ALL_MEDIA: MediaKind[] = ['photo', 'video', 'voice', 'audio', 'document', 'sticker', 'gif'];

const FORMATS: { value: ExportFormatName; label: string; hint: string }[] = [
  {
    value: 'html',
    label: 'Archive to read (HTML)',
    hint: 'Opens in any browser, offline: the chats as Chatkeep shows them, with search.',
  },
  {
    value: 'txt',
    label: 'Text (WhatsApp format)',
    hint: 'One text file per chat, as WhatsApp exports it, with the media beside it.',
  },
  {
    value: 'json',
    label: 'Data (JSON)',
    hint: 'Every detail, for other programs (documented in docs/export-schema.json).',
  },
];

/** Midnight at the start of a local date ("2024-06-01" from a date input), as UTC ms. */
function localMidnight(date: string, dayAfter = false): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (dayAfter ? 1 : 0)).getTime();
}

interface Props {
  /** The chats to export, or every chat. */
  chats: number[] | 'all';
  /** What the dialog calls them: "Ana Sousa", "3 chats", "all chats". */
  what: string;
  onClose(): void;
}

/**
 * "Export…": what to export (format, media, dates, only messages with some words), where (a
 * folder the person picks; a new folder is made inside it), then progress, cancel and "Show in
 * folder". The export runs as a task in main's export worker; the renderer never sees a path.
 */
export function ExportDialog({ chats, what, onClose }: Props) {
  const [format, setFormat] = useState<ExportFormatName>('html');
  const [media, setMedia] = useState<MediaKind[]>(ALL_MEDIA);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [search, setSearch] = useState('');
  const [singleFile, setSingleFile] = useState(false);
  const [folder, setFolder] = useState<{ grantId: string; name: string } | null>(null);
  const [estimate, setEstimate] = useState<ExportEstimateView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [revealNote, setRevealNote] = useState<string | null>(null);
  const { finished } = useTask(taskId);
  const ids = useId();

  const fromMs = from ? localMidnight(from) : null;
  const toMs = to ? localMidnight(to, true) : null;
  const datesWrong = fromMs !== null && toMs !== null && fromMs >= toMs;
  const request: ExportRequestView = {
    chats,
    format,
    from: fromMs,
    to: toMs,
    mediaTypes: media,
    search: search.trim() || undefined,
    singleFile: format === 'html' && singleFile,
  };
  const requestKey = JSON.stringify(request);

  useEffect(() => {
    if (datesWrong) return;
    let live = true;
    const timer = setTimeout(() => {
      void api.invoke('export.estimate', JSON.parse(requestKey) as ExportRequestView).then(
        (e) => live && setEstimate(e),
        () => live && setEstimate(null),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [requestKey, datesWrong]);

  const pickFolder = async () => {
    setError(null);
    try {
      const picked = await api.invoke('files.pick', { purpose: 'export-folder' });
      if (picked) setFolder({ grantId: picked.grantId, name: picked.name });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const start = async () => {
    if (!folder) return;
    setError(null);
    try {
      const { taskId: id } = await api.invoke('export.start', {
        ...request,
        destinationGrantId: folder.grantId,
      });
      setTaskId(id);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const reveal = async () => {
    if (!taskId) return;
    const { shown } = await api.invoke('export.reveal', { taskId });
    if (!shown) setRevealNote('The export’s folder could not be shown: it may have been moved.');
  };

  const running = taskId !== null && !finished;
  const toggleMedia = (kind: MediaKind) =>
    setMedia((m) => (m.includes(kind) ? m.filter((k) => k !== kind) : [...m, kind]));

  return (
    <Dialog title={`Export ${what}`} onClose={onClose}>
      {taskId === null && (
        <form
          className="export-form"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <fieldset className="choice-list">
            <legend>Format</legend>
            {FORMATS.map((f) => (
              <label key={f.value} className="export-choice">
                <input
                  type="radio"
                  name={`${ids}-format`}
                  value={f.value}
                  checked={format === f.value}
                  onChange={() => setFormat(f.value)}
                />
                <span>
                  {f.label}
                  <span className="ck-muted export-hint">{f.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="choice-list">
            <legend>Media to include</legend>
            <div className="export-media">
              {ALL_MEDIA.map((kind) => (
                <label key={kind}>
                  <input
                    type="checkbox"
                    checked={media.includes(kind)}
                    onChange={() => toggleMedia(kind)}
                  />
                  {MEDIA_NAMES[kind]}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="choice-list">
            <legend>Dates (leave empty for all)</legend>
            <div className="row">
              <label className="export-date">
                From
                <input
                  type="date"
                  className="text-input"
                  value={from}
                  onChange={(e) => setFrom(e.target.value)}
                />
              </label>
              <label className="export-date">
                To
                <input
                  type="date"
                  className="text-input"
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                />
              </label>
            </div>
            {datesWrong && <p className="error">The first date must come before the last.</p>}
          </fieldset>
          <div className="field">
            <label htmlFor={`${ids}-search`}>Only messages with these words (optional)</label>
            <input
              id={`${ids}-search`}
              className="text-input"
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
          {format === 'html' && (
            <label className="export-choice">
              <input
                type="checkbox"
                checked={singleFile}
                onChange={(e) => setSingleFile(e.target.checked)}
              />
              <span>
                One file, with the media inside
                <span className="ck-muted export-hint">
                  Easy to send or keep; large files open slowly.
                </span>
              </span>
            </label>
          )}
          {estimate && (
            <p className="ck-muted" role="status">
              {estimate.messages.toLocaleString()} messages
              {estimate.mediaFiles > 0
                ? ` and about ${estimate.mediaFiles.toLocaleString()} media file${estimate.mediaFiles === 1 ? '' : 's'}`
                : ''}
              , about {formatBytes(estimate.estimatedBytes)}.
            </p>
          )}
          {format === 'html' && singleFile && estimate?.singleFileTooLarge && (
            <p className="ck-note" role="alert">
              This single file would be about {formatBytes(estimate.estimatedBytes)}, more than{' '}
              {formatBytes(estimate.singleFileWarnBytes)}: browsers open files this large slowly or
              not at all. Leave “One file” off to keep the media beside the pages, or choose fewer
              media or dates.
            </p>
          )}
          <div className="field">
            <span className="export-folder-label">Where</span>
            <div className="row">
              <button type="button" className="button" onClick={() => void pickFolder()}>
                {folder ? 'Choose another folder…' : 'Choose a folder…'}
              </button>
              {folder && (
                <span>
                  A new folder inside <strong dir="auto">{folder.name}</strong>
                </span>
              )}
            </div>
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="ck-actions">
            <button
              type="submit"
              className="button primary"
              disabled={!folder || datesWrong || estimate?.messages === 0}
            >
              Export
            </button>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {running && taskId && <TaskProgressBar taskId={taskId} label="Exporting" />}
      {finished && (
        <div role="status">
          <p className={finished.outcome === 'done' ? 'success' : 'error'}>
            {finished.outcome === 'failed' ? finished.error?.message : finished.summary}
          </p>
          {revealNote && <p className="ck-muted">{revealNote}</p>}
          <div className="ck-actions">
            {finished.outcome === 'done' && (
              <button type="button" className="button primary" onClick={() => void reveal()}>
                Show in folder
              </button>
            )}
            <button type="button" className="button" onClick={onClose}>
              Close
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

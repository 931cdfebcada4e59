import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type {
  BackupStatusView,
  MediaGroup,
  RestoreFolderView,
  RestoreSessionView,
} from '../../../../shared/backup-types';
import type { Section } from '../../../../shared/ipc/contract';
import type { NotRestoredView } from '../../../../shared/task-types';
import { ChatkeepError } from '../../../../shared/ipc/errors';
import { api } from '../../api';
import { formatBytes, formatDateTime } from '../../ui/format';
import { DestinationPicker, sourceOf, type ChosenFolder } from './DestinationPicker';
import { errorCode, errorWords } from './error-words';
import { MEDIA_GROUP_ORDER } from './media-groups';
import { MediaGroupPicker } from './MediaGroupPicker';
import { filterChats, newestFirst, restoreRequest } from './restore-selection';
import { EMPTY_SECRET, toSecret, type Secret, type SecretDraft } from './secret';
import { SecretField } from './SecretField';
import { useTask } from '../../tasks/tasks';
import { TaskProgressBar } from '../../tasks/TaskProgressBar';
import { useStepFocus } from './useStepFocus';

interface Props {
  onClose(): void;
  onNavigate?(section: Section): void;
  /**
   * Offer "Keep backing up to this folder" at the end (backups are off on this computer).
   * Called with the new status when the person kept it.
   */
  offerKeepBackingUp?: boolean;
  onBackupsOn?(status: BackupStatusView): void;
}

type Step = 'folder' | 'secret' | 'choose' | 'running' | 'done';
const STEP_NAMES: Record<Exclude<Step, 'running' | 'done'> | 'restore', string> = {
  folder: 'Folder',
  secret: 'Password or key',
  choose: 'What to restore',
  restore: 'Restore',
};

/** Chats shown at once in the picker; the filter finds the rest. */
const SHOWN = 300;

interface Outcome {
  restored: number;
  summary: string;
  /** What the restore could not bring back (damaged, or not on this computer yet). */
  notRestored: NotRestoredView | null;
  cancelled: boolean;
}

/** "Restore from a Chatkeep backup": folder, password or key, what to restore, progress, done. */
export function RestoreWizard({ onClose, onNavigate, offerKeepBackingUp, onBackupsOn }: Props) {
  const id = useId();
  const [step, setStep] = useState<Step>('folder');
  const stepRef = useStepFocus<HTMLDivElement>(step);
  const [folder, setFolder] = useState<ChosenFolder | null>(null);
  const [draft, setDraft] = useState<SecretDraft>(EMPTY_SECRET);
  const [session, setSession] = useState<RestoreSessionView | null>(null);
  const [snapshotId, setSnapshotId] = useState<string | null>(null);
  const [allChats, setAllChats] = useState(true);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [media, setMedia] = useState<MediaGroup[]>(MEDIA_GROUP_ORDER);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; code: string | undefined } | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  /** What the chosen folder holds, checked before any password is asked for. */
  const [found, setFound] = useState<Extract<RestoreFolderView, { found: true }> | null>(null);
  const [keepBackingUp, setKeepBackingUp] = useState(true);
  /**
   * The secret that opened the backup, kept only while this wizard is open: a restore session
   * closes after ten idle minutes, and restoring again from another backup after that needs a
   * new one.
   */
  const secretRef = useRef<Secret | null>(null);
  const sessionUsed = useRef(false);
  useEffect(
    () => () => {
      secretRef.current = null;
    },
    [],
  );
  /** The task whose end was already acted on, and how many chats it was asked for. */
  const handled = useRef<string | null>(null);
  const asked = useRef(0);
  const { finished } = useTask(taskId);

  const snapshots = useMemo(() => (session ? newestFirst(session.snapshots) : []), [session]);
  const snapshot = snapshots.find((s) => s.id === snapshotId) ?? snapshots[0] ?? null;
  const visible = useMemo(
    () => (snapshot ? filterChats(snapshot.chatList, filter) : []),
    [snapshot, filter],
  );
  const selection = allChats ? null : chosen;
  const selectedCount = allChats ? (snapshot?.chatList.length ?? 0) : chosen.size;

  // The restore ended: done (everything readable restored, the rest named), or not.
  useEffect(() => {
    if (!finished || handled.current === finished.taskId) return;
    handled.current = finished.taskId;
    if (finished.outcome === 'done') {
      setOutcome({
        restored: finished.chatIds.length || asked.current,
        summary: finished.summary,
        notRestored: finished.notRestored ?? null,
        cancelled: false,
      });
      setStep('done');
    } else if (finished.outcome === 'cancelled') {
      setOutcome({
        restored: finished.chatIds.length,
        summary: finished.summary,
        notRestored: null,
        cancelled: true,
      });
      setStep('done');
    } else {
      fail(finished.error ? errorWords(finished.error) : finished.summary, finished.error?.code);
    }
  }, [finished]);

  /**
   * A failed step: a restore session main no longer holds (it closes after each restore) needs
   * the backup opened again; anything else stays on the choose step with its words.
   */
  const fail = (text: string, code: string | undefined) => {
    if (code === 'NOT_FOUND') {
      setSession(null);
      setError({ text: 'Open the backup again to restore more from it.', code });
      setStep('secret');
      return;
    }
    setError({ text, code });
    setStep('choose');
  };

  /** A restore session not yet used for a restore: the open one, or a new one. */
  const freshSessionId = async (): Promise<string> => {
    if (session && !sessionUsed.current) {
      sessionUsed.current = true;
      return session.sessionId;
    }
    if (!folder || !secretRef.current) {
      throw new ChatkeepError({ code: 'NOT_FOUND', message: 'Open the backup again.' });
    }
    const reply = await api.invoke('restore.open', {
      ...sourceOf(folder),
      secret: secretRef.current,
    });
    setSession(reply);
    sessionUsed.current = true;
    return reply.sessionId;
  };

  /** The folder step's Continue: is there a backup here at all? Said in words, no password yet. */
  const checkFolder = async () => {
    if (!folder) return;
    setBusy(true);
    setError(null);
    try {
      const reply = await api.invoke('restore.inspect', sourceOf(folder));
      if (!reply.found) {
        setError({ text: reply.message, code: 'NO_BACKUP_HERE' });
        return;
      }
      setFound(reply);
      // A backup made with only a 64-digit key opens with the key: start there.
      if (!reply.opensWith.password) setDraft({ kind: 'recoveryKey', text: '' });
      else setDraft(EMPTY_SECRET);
      setStep('secret');
    } catch (e) {
      setError({ text: errorWords(e), code: errorCode(e) });
    } finally {
      setBusy(false);
    }
  };

  /** Switching between password and key clears the other one's error. */
  const changeDraft = (next: SecretDraft) => {
    if (next.kind !== draft.kind) setError(null);
    setDraft(next);
  };

  /**
   * Leaving the finished wizard: with "Keep backing up" ticked, this computer first takes over
   * the backup (the secret is checked again by main: it stores the backup's key here).
   */
  const leave = async (then: () => void) => {
    const secret = secretRef.current;
    if (!offerKeepBackingUp || !keepBackingUp || outcome?.cancelled || !secret || !folder) {
      then();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      let sessionId = session?.sessionId;
      let status: BackupStatusView;
      try {
        if (!sessionId) throw new ChatkeepError({ code: 'NOT_FOUND', message: 'closed' });
        status = await api.invoke('restore.adopt', { sessionId, secret });
      } catch (e) {
        if (errorCode(e) !== 'NOT_FOUND') throw e;
        // The restore session closed (idle): open the backup again with the same secret.
        sessionId = (await api.invoke('restore.open', { ...sourceOf(folder), secret })).sessionId;
        status = await api.invoke('restore.adopt', { sessionId, secret });
      }
      onBackupsOn?.(status);
      then();
    } catch (e) {
      setError({ text: errorWords(e), code: errorCode(e) });
    } finally {
      setBusy(false);
    }
  };

  const open = async () => {
    const secret = toSecret(draft);
    if (!folder || !secret) return;
    setBusy(true);
    setError(null);
    try {
      const reply = await api.invoke('restore.open', { ...sourceOf(folder), secret });
      secretRef.current = secret;
      sessionUsed.current = false;
      setSession(reply);
      setSnapshotId(newestFirst(reply.snapshots)[0]?.id ?? null);
      setDraft(EMPTY_SECRET);
      setStep('choose');
    } catch (e) {
      setError({ text: errorWords(e, draft.kind), code: errorCode(e) });
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    if (!session || !snapshot) return;
    setBusy(true);
    setError(null);
    try {
      const reply = await api.invoke(
        'restore.start',
        restoreRequest(await freshSessionId(), snapshot.id, selection, media),
      );
      asked.current = selectedCount;
      setTaskId(reply.taskId);
      setStep('running');
    } catch (e) {
      fail(errorWords(e), errorCode(e));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (chatRef: string, on: boolean) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (on) next.add(chatRef);
      else next.delete(chatRef);
      return next;
    });

  const currentStep = step === 'running' || step === 'done' ? 'restore' : step;
  return (
    <section className="card ck-wizard" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Restore from a Chatkeep backup</h2>
      <ol className="ck-steps" aria-label="Steps">
        {(Object.keys(STEP_NAMES) as (keyof typeof STEP_NAMES)[]).map((s, i) => (
          <li key={s} aria-current={s === currentStep ? 'step' : undefined}>
            {i + 1}. {STEP_NAMES[s]}
          </li>
        ))}
      </ol>
      <div ref={stepRef} tabIndex={-1} className="ck-step">
        {step === 'folder' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void checkFolder();
            }}
          >
            <p>
              Choose where your Chatkeep backup is: a folder, or the server or cloud storage you
              backed up to.
            </p>
            <DestinationPicker
              purpose="restore-folder"
              legend="Where is your backup?"
              value={folder}
              onChange={(next) => {
                setError(null);
                setFolder(next);
              }}
            />
            {busy && <p className="ck-muted">Looking for a backup in this folder…</p>}
            {error && (
              <p className="error" role="alert">
                {error.text}
              </p>
            )}
            <div className="ck-actions">
              <button type="button" className="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="button primary" disabled={!folder || busy}>
                {busy ? 'Checking…' : 'Continue'}
              </button>
            </div>
          </form>
        )}

        {step === 'secret' && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void open();
            }}
          >
            <p className="ck-found">
              <span aria-hidden="true">✅ </span>
              Chatkeep backup found in <strong>{folder?.label}</strong>
              {folder?.path && <span className="ck-muted ck-path"> ({folder.path})</span>}
            </p>
            <p>{opensWithWords(found?.opensWith)}</p>
            <SecretField
              value={draft}
              onChange={changeDraft}
              autoFocus
              disabled={busy}
              opensWith={found?.opensWith}
            />
            {busy && (
              <p className="ck-muted">
                Opening the backup… (checking a password takes a moment on purpose: it slows down
                guessing)
              </p>
            )}
            {error && (
              <p className="error" role="alert">
                {error.text}
              </p>
            )}
            <div className="ck-actions">
              <button
                type="button"
                className="button"
                onClick={() => {
                  setError(null);
                  setStep('folder');
                }}
                disabled={busy}
              >
                Back
              </button>
              <button type="submit" className="button primary" disabled={!toSecret(draft) || busy}>
                {busy ? 'Opening…' : 'Open backup'}
              </button>
            </div>
          </form>
        )}

        {step === 'choose' && session && snapshot && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void start();
            }}
          >
            {session.warning && (
              <p className="ck-note" role="note">
                {session.warning}
              </p>
            )}
            <div className="ck-field">
              <label htmlFor={`${id}-snapshot`}>Backup from</label>
              <select
                id={`${id}-snapshot`}
                aria-describedby={`${id}-snapshot-facts`}
                className="text-input"
                value={snapshot.id}
                onChange={(e) => {
                  setSnapshotId(e.target.value);
                  setChosen(new Set());
                }}
              >
                {/* Short enough for the list never to cut it; the details are below. */}
                {snapshots.map((s, i) => (
                  <option key={s.id} value={s.id}>
                    {formatDateTime(s.time)}
                    {i === 0 ? ' (newest)' : ''}
                  </option>
                ))}
              </select>
              <p className="ck-muted" id={`${id}-snapshot-facts`} data-testid="restore-facts">
                From {snapshot.host}: {snapshot.chats.toLocaleString()} chat
                {snapshot.chats === 1 ? '' : 's'}, {snapshot.messages.toLocaleString()} message
                {snapshot.messages === 1 ? '' : 's'}. Backup size{' '}
                <span data-testid="restore-backup-size">{formatBytes(session.backupBytes)}</span>.
              </p>
            </div>

            <fieldset className="ck-method">
              <legend>Chats</legend>
              <label className="ck-check">
                <input
                  type="radio"
                  name={`${id}-which`}
                  checked={allChats}
                  onChange={() => setAllChats(true)}
                />{' '}
                All chats ({snapshot.chatList.length.toLocaleString()})
              </label>
              <label className="ck-check">
                <input
                  type="radio"
                  name={`${id}-which`}
                  checked={!allChats}
                  onChange={() => setAllChats(false)}
                />{' '}
                Only the chats I choose
              </label>
            </fieldset>
            {!allChats && (
              <div className="ck-chat-picker">
                <div className="ck-field">
                  <label htmlFor={`${id}-filter`}>Filter chats</label>
                  <input
                    id={`${id}-filter`}
                    className="text-input"
                    type="search"
                    value={filter}
                    onChange={(e) => setFilter(e.target.value)}
                  />
                </div>
                <div className="ck-actions">
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      setChosen(
                        (p) => new Set([...p, ...visible.slice(0, SHOWN).map((c) => c.chatRef)]),
                      )
                    }
                  >
                    Select all shown
                  </button>
                  <button type="button" className="button" onClick={() => setChosen(new Set())}>
                    Clear
                  </button>
                </div>
                <ul className="ck-chat-checks" aria-label="Chats to restore">
                  {visible.slice(0, SHOWN).map((chat) => (
                    <li key={chat.chatRef}>
                      <label className="ck-check">
                        <input
                          type="checkbox"
                          checked={chosen.has(chat.chatRef)}
                          onChange={(e) => toggle(chat.chatRef, e.target.checked)}
                        />{' '}
                        {chat.title}{' '}
                        <span className="ck-muted">
                          ({chat.messages.toLocaleString()} messages)
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
                {visible.length > SHOWN && (
                  <p className="ck-muted">
                    Showing {SHOWN} of {visible.length.toLocaleString()}: type in the filter to find
                    others.
                  </p>
                )}
                {visible.length === 0 && <p className="ck-muted">No chats match.</p>}
              </div>
            )}

            <MediaGroupPicker
              legend="Media to restore"
              value={media}
              onChange={setMedia}
              sizes={snapshot.mediaGroups}
              totalLabel="Media to copy back"
            />

            {error && (
              <div role="alert">
                <p className="error">{error.text}</p>
              </div>
            )}
            <div className="ck-actions">
              <button type="button" className="button" onClick={onClose} disabled={busy}>
                Cancel
              </button>
              <button
                type="submit"
                className="button primary"
                disabled={busy || selectedCount === 0}
              >
                {busy
                  ? 'Starting…'
                  : `Restore ${selectedCount.toLocaleString()} chat${selectedCount === 1 ? '' : 's'}`}
              </button>
            </div>
          </form>
        )}

        {step === 'running' && (
          <div>
            <p>
              Restoring your chats into this computer&apos;s Chatkeep. Chats already here are kept;
              nothing is deleted.
            </p>
            {taskId && <TaskProgressBar taskId={taskId} label="Restoring" />}
          </div>
        )}

        {step === 'done' && outcome && (
          <div role="status">
            <h3 className="ck-done-title">
              {outcome.cancelled
                ? `Restore stopped: ${outcome.restored.toLocaleString()} chat${outcome.restored === 1 ? '' : 's'} restored`
                : `Restored ${outcome.restored.toLocaleString()} chat${outcome.restored === 1 ? '' : 's'}`}
            </h3>
            {outcome.summary && <p>{outcome.summary}</p>}
            {outcome.notRestored && <NotRestored missing={outcome.notRestored} />}
            {offerKeepBackingUp && !outcome.cancelled && secretRef.current && (
              <div className="ck-keep-backing-up">
                <label className="ck-check">
                  <input
                    type="checkbox"
                    checked={keepBackingUp}
                    disabled={busy}
                    onChange={(e) => setKeepBackingUp(e.target.checked)}
                  />{' '}
                  Keep backing up to this folder with the same{' '}
                  {'password' in secretRef.current ? 'password' : '64-digit key'}
                </label>
                <p className="ck-muted">
                  {keepBackingUp
                    ? `This computer takes over the backup in ${folder?.label ?? 'this folder'}: no new set-up, and the next backup adds only what changes.`
                    : 'Backups stay off on this computer until you turn them on.'}
                </p>
              </div>
            )}
            {busy && <p className="ck-muted">Turning on backups on this computer…</p>}
            {error && (
              <p className="error" role="alert">
                {error.text}
              </p>
            )}
            <div className="ck-actions">
              {outcome.notRestored?.reason === 'damaged' && (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setOutcome(null);
                    setTaskId(null);
                    setStep('choose');
                  }}
                >
                  Restore from another backup…
                </button>
              )}
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => void leave(onClose)}
              >
                Close
              </button>
              {onNavigate && (
                <button
                  type="button"
                  className="button primary"
                  disabled={busy}
                  onClick={() => void leave(() => onNavigate('chats'))}
                >
                  Open chats
                </button>
              )}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

/** What a restore could not bring back: chats and months, media files, and what to do. */
function NotRestored({ missing }: { missing: NotRestoredView }) {
  const chats = missing.chats;
  return (
    <div className="ck-not-restored">
      <p className={missing.reason === 'damaged' ? 'error' : undefined}>
        {missing.reason === 'damaged'
          ? 'Part of the backup is damaged. Everything else was restored; this could not be:'
          : 'Part of the backup is not on this computer yet (your sync app is still bringing it). This could not be restored yet:'}
      </p>
      {chats.length > 0 && (
        <ul aria-label="Not restored">
          {chats.slice(0, 50).map((c) => (
            <li key={c.title + c.months.join()}>
              <strong>{c.title}</strong>:{' '}
              {c.messages === null
                ? 'some messages'
                : `${c.messages.toLocaleString()} message${c.messages === 1 ? '' : 's'}`}{' '}
              from {c.months.map(monthName).join(', ')}
            </li>
          ))}
          {chats.length > 50 && <li>and {(chats.length - 50).toLocaleString()} more chats</li>}
        </ul>
      )}
      {missing.mediaFiles > 0 && (
        <p>
          {missing.mediaFiles.toLocaleString()} photo, video or other file
          {missing.mediaFiles === 1 ? '' : 's'}: their messages are restored and show that the file
          could not be restored.
        </p>
      )}
      {missing.listParts > 0 && (
        <p>
          Part of the backup&apos;s own list of chats is unreadable, so some chats may be missing.
        </p>
      )}
      <p>
        {missing.reason === 'damaged'
          ? 'An older backup in the list may still hold them: choose it and restore those chats. On the computer that makes this backup, Repair saves what can be saved.'
          : 'Restore again once your sync app has finished; nothing restored now is duplicated.'}
      </p>
    </div>
  );
}

function opensWithWords(opensWith: { password: boolean; recoveryKey: boolean } | undefined) {
  if (!opensWith || (opensWith.password && opensWith.recoveryKey))
    return 'It opens with its password or its 64-digit recovery key.';
  return opensWith.password
    ? 'It opens with its password.'
    : 'It opens with its 64-digit recovery key.';
}

function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  return new Date(Date.UTC(y, m - 1, 15)).toLocaleDateString(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { BackupSettingsView, BackupStatusView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { ConfirmWithSecretDialog } from './ConfirmWithSecretDialog';
import { errorCode, errorWords } from './error-words';
import type { Secret } from './secret';

export type SaveState =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

interface Pending {
  settings: Partial<BackupSettingsView>;
  reason: string;
  done(saved: BackupSettingsView | null): void;
}

/**
 * Saves part of the backup settings and says how it went; main pushes the new status itself.
 * A change that makes the backup keep less or stop (SECRET_REQUIRED from main) is sent again
 * with the password the person types in `prompt`, the dialog to render; `save` resolves once
 * it is saved, or with null when it was not.
 */
/** How long "Saved." stays next to a setting. */
export const SAVED_NOTE_MS = 4000;

export function useSaveSettings(onSaved: (settings: BackupSettingsView) => void) {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const [pending, setPending] = useState<Pending | null>(null);
  const onSavedRef = useRef(onSaved);
  onSavedRef.current = onSaved;

  // "Saved." confirms the change, then goes away: it is not a state the card stays in.
  useEffect(() => {
    if (state.kind !== 'saved') return;
    const timer = setTimeout(() => setState({ kind: 'idle' }), SAVED_NOTE_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const send = useCallback(async (settings: Partial<BackupSettingsView>, current?: Secret) => {
    const saved = await api.invoke('backup.updateSettings', {
      settings,
      ...(current ? { current } : {}),
    });
    setState({ kind: 'saved' });
    onSavedRef.current(saved);
    return saved;
  }, []);

  const save = useCallback(
    async (settings: Partial<BackupSettingsView>): Promise<BackupSettingsView | null> => {
      setState({ kind: 'saving' });
      try {
        return await send(settings);
      } catch (e) {
        if (errorCode(e) === 'SECRET_REQUIRED') {
          setState({ kind: 'idle' });
          return new Promise((done) =>
            setPending({ settings, reason: (e as Error).message, done }),
          );
        }
        setState({ kind: 'error', message: errorWords(e) });
        return null;
      }
    },
    [send],
  );

  const prompt: ReactNode = pending ? (
    <ConfirmWithSecretDialog
      reason={pending.reason}
      onConfirm={async (secret) => {
        const saved = await send(pending.settings, secret);
        setPending(null);
        pending.done(saved);
      }}
      onCancel={() => {
        setPending(null);
        setState({ kind: 'error', message: 'Not changed.' });
        pending.done(null);
      }}
    />
  ) : null;

  return { state, save, prompt };
}

export function SaveNote({ state }: { state: SaveState }) {
  return (
    <p className={state.kind === 'error' ? 'error' : 'ck-muted'} role="status">
      {state.kind === 'saving'
        ? 'Saving…'
        : state.kind === 'saved'
          ? 'Saved.'
          : state.kind === 'error'
            ? state.message
            : ''}
    </p>
  );
}

export interface SettingsCardProps {
  status: BackupStatusView;
  onSettings(settings: BackupSettingsView): void;
}

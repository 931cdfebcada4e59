import { useCallback, useState } from 'react';
import type { BackupSettingsView, BackupStatusView } from '../../../../shared/backup-types';
import { api } from '../../api';
import { errorWords } from './error-words';

export type SaveState =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

/** Saves part of the backup settings and says how it went; main pushes the new status itself. */
export function useSaveSettings(onSaved: (settings: BackupSettingsView) => void) {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const save = useCallback(
    async (settings: Partial<BackupSettingsView>) => {
      setState({ kind: 'saving' });
      try {
        const saved = await api.invoke('backup.updateSettings', { settings });
        setState({ kind: 'saved' });
        onSaved(saved);
        return saved;
      } catch (e) {
        setState({ kind: 'error', message: errorWords(e) });
        return null;
      }
    },
    [onSaved],
  );
  return { state, save };
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

import { useState } from 'react';
import type { MediaGroup } from '../../../../shared/backup-types';
import { MediaGroupPicker } from './MediaGroupPicker';
import { SaveNote, useSaveSettings, type SettingsCardProps } from './useSaveSettings';

/** Which media the backup includes, with each group's size; saved as soon as it changes. */
export function MediaCard({ status, onSettings }: SettingsCardProps) {
  const { state, save, prompt } = useSaveSettings(onSettings);
  // Shown at once while saving; main's answer (a backup.changed) then agrees with it.
  const [chosen, setChosen] = useState<MediaGroup[] | null>(null);
  const value = chosen ?? status.settings.mediaGroups;
  return (
    <section className="card" aria-labelledby="media-title">
      <h2 id="media-title">What to back up</h2>
      <MediaGroupPicker
        legend="Media included"
        value={value}
        onChange={(next) => {
          setChosen(next);
          // Saved or not, the status (updated by onSettings) is the truth afterwards.
          void save({ mediaGroups: next }).then(() => setChosen(null));
        }}
        sizes={status.sizes.media}
        messagesBytes={status.sizes.messagesBytes}
        totalLabel="Estimated next backup"
      />
      <p className="ck-muted">
        Each file is counted once, however many chats it was sent in.{' '}
        {status.sizes.messagesMeasured
          ? 'Messages include the older versions your backup keeps.'
          : ''}{' '}
        Media left out stay on this computer; a restore shows them as not included.
      </p>
      <SaveNote state={state} />
      {prompt}
    </section>
  );
}

import {
  estimateBackupBytes,
  MEDIA_GROUPS,
  type GroupSize,
  type MediaGroup,
} from '../../../../shared/backup-types';
import { formatBytes } from '../../ui/format';
import { barPercent, MEDIA_GROUP_ORDER, toggleGroup } from './media-groups';

interface Props {
  legend: string;
  value: readonly MediaGroup[];
  onChange(next: MediaGroup[]): void;
  /** Each group's files, counted once each (from main's BackupSizesView); bars when given. */
  sizes?: Record<MediaGroup, GroupSize>;
  /** The messages' own size, counted in the estimated total. */
  messagesBytes?: number;
  totalLabel?: string;
  disabled?: boolean;
}

/** Which media to include, each group with its size as a bar, and the estimated total. */
export function MediaGroupPicker({
  legend,
  value,
  onChange,
  sizes,
  messagesBytes,
  totalLabel = 'Estimated backup size',
  disabled,
}: Props) {
  const largest = sizes
    ? Math.max(messagesBytes ?? 0, ...MEDIA_GROUP_ORDER.map((g) => sizes[g].bytes))
    : 0;
  return (
    <fieldset className="ck-media" disabled={disabled}>
      <legend>{legend}</legend>
      <ul className="ck-media-list">
        {messagesBytes !== undefined && (
          <li>
            <span className="ck-media-label">
              <input type="checkbox" checked disabled aria-label="Messages (always included)" />{' '}
              Messages <span className="ck-muted">(always)</span>
            </span>
            <SizeBar bytes={messagesBytes} largest={largest} />
          </li>
        )}
        {MEDIA_GROUP_ORDER.map((group) => (
          <li key={group}>
            <label className="ck-media-label">
              <input
                type="checkbox"
                checked={value.includes(group)}
                onChange={(e) => onChange(toggleGroup(value, group, e.target.checked))}
              />{' '}
              {MEDIA_GROUPS[group].label}
            </label>
            {sizes && (
              <SizeBar
                bytes={sizes[group].bytes}
                files={sizes[group].files}
                largest={largest}
                dim={!value.includes(group)}
              />
            )}
          </li>
        ))}
      </ul>
      {sizes && (
        <p className="ck-estimate" aria-live="polite">
          {totalLabel}:{' '}
          <strong data-testid="size-estimate">
            {formatBytes(
              estimateBackupBytes({ media: sizes, messagesBytes: messagesBytes ?? 0 }, value),
            )}
          </strong>
        </p>
      )}
    </fieldset>
  );
}

function SizeBar({
  bytes,
  files,
  largest,
  dim,
}: {
  bytes: number;
  files?: number;
  largest: number;
  dim?: boolean;
}) {
  return (
    <span className="ck-bar-cell">
      <span className="ck-bar-track" aria-hidden="true">
        <span
          className={dim ? 'ck-bar dim' : 'ck-bar'}
          style={{ width: `${barPercent(bytes, largest)}%` }}
        />
      </span>
      <span className="ck-bar-value">
        {files === 0 ? 'None' : formatBytes(bytes)}
        {files !== undefined && files > 0 && (
          <span className="ck-muted">
            {' '}
            · {files.toLocaleString()} file{files === 1 ? '' : 's'}
          </span>
        )}
      </span>
    </span>
  );
}

import { MEDIA_GROUPS, type MediaGroup } from '../../../../shared/backup-types';
import type { MediaKind } from '../../../../shared/chat-types';
import { formatBytes } from '../../ui/format';
import {
  barPercent,
  estimatedTotal,
  groupSizes,
  MEDIA_GROUP_ORDER,
  toggleGroup,
} from './media-groups';

interface Props {
  legend: string;
  value: readonly MediaGroup[];
  onChange(next: MediaGroup[]): void;
  /** Bytes per media kind; bars and sizes are drawn when given. */
  mediaSizes?: Partial<Record<MediaKind, number>>;
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
  mediaSizes,
  messagesBytes,
  totalLabel = 'Estimated backup size',
  disabled,
}: Props) {
  const sizes = mediaSizes ? groupSizes(mediaSizes) : null;
  const largest = sizes
    ? Math.max(messagesBytes ?? 0, ...MEDIA_GROUP_ORDER.map((g) => sizes[g]))
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
              <SizeBar bytes={sizes[group]} largest={largest} dim={!value.includes(group)} />
            )}
          </li>
        ))}
      </ul>
      {mediaSizes && (
        <p className="ck-estimate" aria-live="polite">
          {totalLabel}:{' '}
          <strong>{formatBytes(estimatedTotal(mediaSizes, messagesBytes ?? 0, value))}</strong>
        </p>
      )}
    </fieldset>
  );
}

function SizeBar({ bytes, largest, dim }: { bytes: number; largest: number; dim?: boolean }) {
  return (
    <span className="ck-bar-cell">
      <span className="ck-bar-track" aria-hidden="true">
        <span
          className={dim ? 'ck-bar dim' : 'ck-bar'}
          style={{ width: `${barPercent(bytes, largest)}%` }}
        />
      </span>
      <span className="ck-bar-value">{formatBytes(bytes)}</span>
    </span>
  );
}

import { useId } from 'react';
import { keyCharacters } from './recovery-key';
import type { SecretDraft } from './secret';

interface Props {
  value: SecretDraft;
  onChange(next: SecretDraft): void;
  /** "Backup password", "Current password"… the key field says "recovery key" instead. */
  passwordLabel?: string;
  keyLabel?: string;
  autoFocus?: boolean;
  disabled?: boolean;
}

/** Type the password, or switch to the 64-digit recovery key: either opens a backup. */
export function SecretField({
  value,
  onChange,
  passwordLabel = 'Backup password',
  keyLabel = 'Recovery key (64 digits)',
  autoFocus,
  disabled,
}: Props) {
  const id = useId();
  const typedKeyLength = value.kind === 'recoveryKey' ? keyCharacters(value.text).length : 0;
  return (
    <div className="ck-secret-field">
      <fieldset className="ck-choice-row" disabled={disabled}>
        <legend className="sr-only">Open with</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={value.kind === 'password'}
            onChange={() => onChange({ kind: 'password', text: '' })}
          />{' '}
          Password
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={value.kind === 'recoveryKey'}
            onChange={() => onChange({ kind: 'recoveryKey', text: '' })}
          />{' '}
          Recovery key
        </label>
      </fieldset>
      {value.kind === 'password' ? (
        <div className="ck-field">
          <label htmlFor={`${id}-password`}>{passwordLabel}</label>
          <input
            id={`${id}-password`}
            className="text-input"
            type="password"
            autoComplete="current-password"
            value={value.text}
            autoFocus={autoFocus}
            disabled={disabled}
            onChange={(e) => onChange({ kind: 'password', text: e.target.value })}
          />
        </div>
      ) : (
        <div className="ck-field">
          <label htmlFor={`${id}-key`}>{keyLabel}</label>
          <input
            id={`${id}-key`}
            className="text-input ck-mono"
            type="text"
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            placeholder="1a2b-3c4d-…"
            value={value.text}
            autoFocus={autoFocus}
            disabled={disabled}
            aria-describedby={`${id}-key-count`}
            onChange={(e) => onChange({ kind: 'recoveryKey', text: e.target.value })}
          />
          <span id={`${id}-key-count`} className="ck-muted">
            {typedKeyLength} of 64 digits and letters
          </span>
        </div>
      )}
    </div>
  );
}

import { useId, useRef, useState } from 'react';
import { ShowPassword } from './ShowPassword';
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
  /**
   * What opens this backup, when known (a restore reads it from the folder): the switch to a
   * kind the backup does not have is not offered.
   */
  opensWith?: { password: boolean; recoveryKey: boolean };
  /** The person switched between password and key (an error about the other one should go). */
  onSwitch?(): void;
  /** What is wrong with what was typed, shown under the field (and named as its description). */
  error?: string | null;
}

/**
 * Type the password, or "Use your 64-digit key instead": either opens a backup. Switching back
 * finds the text typed before (kept only in this component while it is shown).
 */
export function SecretField({
  value,
  onChange,
  passwordLabel = 'Backup password',
  keyLabel = 'Recovery key (64 digits)',
  autoFocus,
  disabled,
  opensWith,
  onSwitch,
  error,
}: Props) {
  const id = useId();
  const [shown, setShown] = useState(false);
  const typed = useRef<Record<SecretDraft['kind'], string>>({ password: '', recoveryKey: '' });
  const typedKeyLength = value.kind === 'recoveryKey' ? keyCharacters(value.text).length : 0;
  const switchTo = (kind: SecretDraft['kind']) => {
    typed.current[value.kind] = value.text;
    onChange({ kind, text: typed.current[kind] });
    onSwitch?.();
  };
  // Right under the field it is about.
  const errorLine = error ? (
    <p className="error" role="alert" id={`${id}-error`}>
      {error}
    </p>
  ) : null;
  const canSwitch = opensWith ? opensWith.password && opensWith.recoveryKey : true;
  return (
    <div className="ck-secret-field">
      {value.kind === 'password' ? (
        <div className="ck-field">
          <label htmlFor={`${id}-password`}>{passwordLabel}</label>
          <input
            id={`${id}-password`}
            className="text-input"
            type={shown ? 'text' : 'password'}
            autoComplete="current-password"
            value={value.text}
            autoFocus={autoFocus}
            disabled={disabled}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => onChange({ kind: 'password', text: e.target.value })}
          />
          {errorLine}
          <ShowPassword shown={shown} onChange={setShown} disabled={disabled} />
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
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-key-count ${id}-error` : `${id}-key-count`}
            onChange={(e) => onChange({ kind: 'recoveryKey', text: e.target.value })}
          />
          <span id={`${id}-key-count`} className="ck-muted">
            {typedKeyLength} of 64 digits and letters
          </span>
          {errorLine}
        </div>
      )}
      {canSwitch && (
        <p className="ck-secret-switch">
          {value.kind === 'password' ? (
            <>
              Forgot your password?{' '}
              <button
                type="button"
                className="link-button"
                disabled={disabled}
                onClick={() => switchTo('recoveryKey')}
              >
                Use your 64-digit key instead
              </button>
            </>
          ) : (
            <button
              type="button"
              className="link-button"
              disabled={disabled}
              onClick={() => switchTo('password')}
            >
              Use your password instead
            </button>
          )}
        </p>
      )}
    </div>
  );
}

import { useEffect, useId, useState } from 'react';
import { passwordStrength, type Strength } from '../../../../shared/password-strength';
import { ShowPassword } from './ShowPassword';

export interface NewPassword {
  password: string;
  /** Strong enough and typed the same twice. */
  valid: boolean;
}

interface Props {
  onChange(next: NewPassword): void;
  label?: string;
  repeatLabel?: string;
  disabled?: boolean;
}

/** Choose a password: typed twice, with zxcvbn's meter, refused below "strong". */
export function NewPasswordFields({
  onChange,
  label = 'Password',
  repeatLabel = 'Type the password again',
  disabled,
}: Props) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [shown, setShown] = useState(false);
  const [strength, setStrength] = useState<{ for: string; value: Strength } | null>(null);

  useEffect(() => {
    if (!password) return;
    let live = true;
    void passwordStrength(password).then((value) => live && setStrength({ for: password, value }));
    return () => {
      live = false;
    };
  }, [password]);

  const current = strength && strength.for === password ? strength.value : null;
  const matches = password.length > 0 && password === repeat;
  const valid = Boolean(current?.acceptable) && matches;

  useEffect(() => {
    onChange({ password, valid });
  }, [password, valid, onChange]);

  const mismatch = repeat.length > 0 && !password.startsWith(repeat) && !matches;
  return (
    <div className="ck-new-password">
      <div className="ck-field">
        <label htmlFor={`${id}-new`}>{label}</label>
        <input
          id={`${id}-new`}
          className="text-input"
          type={shown ? 'text' : 'password'}
          autoComplete="new-password"
          value={password}
          disabled={disabled}
          aria-describedby={`${id}-strength`}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <div id={`${id}-strength`} className="ck-strength" aria-live="polite">
        {/* The rule, before anything is typed: nobody should find it out by failing. */}
        {!password && (
          <span className="ck-muted">
            It must reach “Strong” on this meter. Four or five unrelated words are strong and easy
            to remember.
          </span>
        )}
        {password && current && (
          <>
            <div className="ck-strength-track" aria-hidden="true">
              <div
                className={`ck-strength-fill score-${current.score}`}
                style={{ width: `${(current.score + 1) * 20}%` }}
              />
            </div>
            <span className={current.acceptable ? 'ck-ok' : 'error'}>
              Strength: {current.label}
              {current.acceptable ? '' : ' (not strong enough yet)'}
            </span>
            {!current.acceptable && (
              <ul className="ck-feedback">
                {current.feedback.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </>
        )}
        {password && !current && <span className="ck-muted">Checking strength…</span>}
      </div>
      <div className="ck-field">
        <label htmlFor={`${id}-repeat`}>{repeatLabel}</label>
        <input
          id={`${id}-repeat`}
          className="text-input"
          type={shown ? 'text' : 'password'}
          autoComplete="new-password"
          value={repeat}
          disabled={disabled}
          aria-invalid={mismatch || undefined}
          aria-describedby={`${id}-match`}
          onChange={(e) => setRepeat(e.target.value)}
        />
        <span id={`${id}-match`} className={mismatch ? 'error' : 'ck-ok'} aria-live="polite">
          {mismatch ? 'The two passwords are different.' : matches ? 'The passwords match.' : ''}
        </span>
      </div>
      <ShowPassword shown={shown} onChange={setShown} plural disabled={disabled} />
    </div>
  );
}

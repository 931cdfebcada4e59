interface Props {
  shown: boolean;
  onChange(shown: boolean): void;
  /** "Show passwords" for a new password typed twice. */
  plural?: boolean;
  disabled?: boolean;
}

/**
 * Lets the person see what they typed: a long password is easier to get right when it can be
 * read, and nobody else is usually looking. Off each time a field appears.
 */
export function ShowPassword({ shown, onChange, plural, disabled }: Props) {
  return (
    <label className="ck-check ck-show-password">
      <input
        type="checkbox"
        checked={shown}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />{' '}
      {plural ? 'Show passwords' : 'Show password'}
    </label>
  );
}

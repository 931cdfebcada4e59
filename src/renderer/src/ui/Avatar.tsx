import { initialsOf, tintOf } from '../../../shared/look';

export { initialsOf };

interface Props {
  name: string;
  /** What picks the colour; the name unless a stabler key (a person or chat id) is known. */
  colorKey?: string | number;
  size?: 'xs' | 'sm' | 'md' | 'lg' | 'xl';
}

/**
 * A round avatar with initials on a colour that stays the same for the same person or chat.
 * Sources give no pictures yet; decorative, since a name always stands beside it.
 */
export function Avatar({ name, colorKey, size = 'md' }: Props) {
  return (
    <span className={`avatar avatar-${size} tint-${tintOf(colorKey ?? name)}`} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}

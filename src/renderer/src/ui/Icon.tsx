/**
 * The app's line icons, drawn on a 24-unit grid with round strokes so they sit with system text
 * in both themes (they take the text colour). Decorative by default: the control they sit in
 * carries the name.
 */
const PATHS = {
  chats: 'M4 5h16v11H9l-5 4z M8 9h8 M8 12h5',
  lock: 'M6 11h12v9H6z M8.5 11V8a3.5 3.5 0 0 1 7 0v3 M12 14.5v2',
  import: 'M12 4v11 M7.5 10.5 12 15l4.5-4.5 M5 19h14',
  settings:
    'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z M12 3v2.5 M12 18.5V21 M3 12h2.5 M18.5 12H21 M5.6 5.6l1.8 1.8 M16.6 16.6l1.8 1.8 M5.6 18.4l1.8-1.8 M16.6 7.4l1.8-1.8',
  search: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13z M15.5 15.5 20 20',
  close: 'M6 6l12 12 M18 6 6 18',
  back: 'M19 12H5 M11 6l-6 6 6 6',
  up: 'M6 15l6-6 6 6',
  down: 'M6 9l6 6 6-6',
  left: 'M15 6l-6 6 6 6',
  right: 'M9 6l6 6-6 6',
  calendar: 'M4 6h16v14H4z M4 10h16 M8 3.5v4 M16 3.5v4',
  info: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M12 11v6 M12 7.5v.5',
  media: 'M4 5h16v14H4z M4 15l4.5-4.5 4 4 2.5-2.5L20 17 M15.5 8.5h.5',
  play: 'M8 5.5v13l10.5-6.5z',
  pause: 'M8 5.5v13 M16 5.5v13',
  mic: 'M12 3.5a2.5 2.5 0 0 0-2.5 2.5v5a2.5 2.5 0 0 0 5 0V6A2.5 2.5 0 0 0 12 3.5z M6 11a6 6 0 0 0 12 0 M12 17v3.5',
  file: 'M6 3h8l4 4v14H6z M14 3v4h4',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1 M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  pin: 'M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11z M12 7.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  phone:
    'M5 4h3.5l1.5 4-2 1.5a11 11 0 0 0 6.5 6.5l1.5-2 4 1.5V19a1.5 1.5 0 0 1-1.5 1.5A15.5 15.5 0 0 1 3.5 5.5 1.5 1.5 0 0 1 5 4z',
  video: 'M3.5 7h11v10h-11z M14.5 10.5 20.5 7v10l-6-3.5',
  user: 'M12 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8z M4.5 20a7.5 7.5 0 0 1 15 0',
  zoomIn: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13z M15.5 15.5 20 20 M10.5 8v5 M8 10.5h5',
  zoomOut: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13z M15.5 15.5 20 20 M8 10.5h5',
  save: 'M12 4v11 M7.5 10.5 12 15l4.5-4.5 M5 19h14',
  poll: 'M5 20V11 M12 20V5 M19 20v-6',
  external: 'M14 4h6v6 M20 4l-9 9 M18 14v6H4V6h6',
  goTo: 'M4 12h13 M12 6l6 6-6 6',
  ban: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M5.6 5.6l12.8 12.8',
  sticker: 'M4 4h10l6 6v10H4z M14 4v6h6',
  more: 'M5.5 12h1 M11.5 12h1 M17.5 12h1',
  select: 'M5 5h14v14H5z M8.5 12l2.5 2.5 4.5-5',
  export: 'M12 15V4 M7.5 8.5 12 4l4.5 4.5 M5 14v6h14v-6',
} as const;

export type IconName = keyof typeof PATHS;

interface Props {
  name: IconName;
  size?: number;
  className?: string;
  /** Only for an icon that stands alone and must be announced. */
  label?: string;
}

export function Icon({ name, size = 20, className, label }: Props) {
  const filled = name === 'play';
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={filled ? 'currentColor' : 'none'}
      stroke="currentColor"
      strokeWidth={filled ? 1.5 : 1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

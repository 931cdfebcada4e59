import { useSyncExternalStore } from 'react';

/** Whether a CSS media query matches now, updating as the window changes. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** Below this width the Chats section shows one pane at a time, as phones' messengers do. */
export const SINGLE_PANE = '(max-width: 760px)';
/** Below this width the section bar shrinks to icons. */
export const COMPACT_NAV = '(max-width: 1000px)';

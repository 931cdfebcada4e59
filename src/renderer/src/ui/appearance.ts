import type { AppPreferences, TextSize } from '../../../shared/settings-types';
import { setHourCycle } from './format';

/**
 * Applies Settings' appearance choices to the page: light or dark (`<html data-theme>`, which
 * styles.css keys its colours on), text size, and the time format the views use.
 */

/** Text size scales the whole page, as browsers' zoom does, so layouts keep their proportions. */
export const TEXT_ZOOM: Record<TextSize, number> = {
  small: 0.9,
  default: 1,
  large: 1.15,
  larger: 1.3,
};

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');
let theme: AppPreferences['theme'] = 'system';
let listening = false;

function paintTheme(): void {
  const dark = theme === 'dark' || (theme === 'system' && darkQuery().matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function applyAppearance(p: Pick<AppPreferences, 'theme' | 'textSize' | 'timeFormat'>) {
  theme = p.theme;
  if (!listening) {
    // "System" follows the OS live, e.g. when it switches to dark at sunset.
    darkQuery().addEventListener('change', paintTheme);
    listening = true;
  }
  paintTheme();
  const zoom = TEXT_ZOOM[p.textSize];
  document.documentElement.style.zoom = zoom === 1 ? '' : String(zoom);
  document.documentElement.dataset.textSize = p.textSize;
  setHourCycle(p.timeFormat === '12h' ? 'h12' : p.timeFormat === '24h' ? 'h23' : undefined);
}

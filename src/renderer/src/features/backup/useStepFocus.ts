import { useEffect, useRef } from 'react';

/**
 * Moves keyboard focus to a wizard's new step when the step changes: the button that was
 * pressed is gone, and focus left on <body> makes keyboard and screen-reader users start over
 * from the top of the page. Not on first render, which would steal focus on arrival.
 */
export function useStepFocus<T extends HTMLElement>(step: string) {
  const ref = useRef<T>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const container = ref.current;
    // A field that focused itself (autoFocus) already did the job.
    if (!container || container.contains(document.activeElement)) return;
    const target =
      container.querySelector<HTMLElement>('input:not([disabled]), select, textarea') ?? container;
    target.focus();
  }, [step]);
  return ref;
}

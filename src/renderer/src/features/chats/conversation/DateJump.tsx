import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../../../api';
import { formatMonth, plural } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';

interface Props {
  chatId: number;
  /** The chat's first and last message times: the calendar spans those months. */
  first: number;
  last: number;
  /** The month to show first (a time in it). */
  initial: number;
  onPick(dayStart: number): void;
  onClose(): void;
}

const dayLabel = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
const weekdayShort = new Intl.DateTimeFormat(undefined, { weekday: 'narrow' });
const weekdayLong = new Intl.DateTimeFormat(undefined, { weekday: 'long' });

/** The locale's first day of the week (0 = Sunday), Monday where the browser cannot say. */
function firstDayOfWeek(): number {
  try {
    const locale = new Intl.Locale(navigator.language) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    const info = locale.getWeekInfo?.() ?? locale.weekInfo;
    if (info) return info.firstDay % 7;
  } catch {
    // An odd locale tag: fall through.
  }
  return 1;
}

const monthStart = (ms: number) => {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
};
const addMonths = (start: number, n: number) => {
  const d = new Date(start);
  return new Date(d.getFullYear(), d.getMonth() + n, 1).getTime();
};

/**
 * Jump to a date: a month calendar over the chat's active days (days without messages cannot be
 * chosen), months from the chat's first to its last message. Arrow keys move between days,
 * Page Up/Down between months, Enter picks, Escape closes.
 */
export function DateJump({ chatId, first, last, initial, onPick, onClose }: Props) {
  const [month, setMonth] = useState(() => monthStart(initial));
  const [counts, setCounts] = useState<number[] | null>(null);
  const [focusDay, setFocusDay] = useState(() => new Date(initial).getDate());
  const grid = useRef<HTMLDivElement>(null);
  const weekStart = useMemo(firstDayOfWeek, []);
  const firstMonth = monthStart(first);
  const lastMonth = monthStart(last);

  const days = useMemo(() => {
    const d = new Date(month);
    const n = new Date(d.getFullYear(), d.getMonth() + 1, 0).getDate();
    return Array.from({ length: n }, (_, i) =>
      new Date(d.getFullYear(), d.getMonth(), i + 1).getTime(),
    );
  }, [month]);

  useEffect(() => {
    let live = true;
    setCounts(null);
    const next = addMonths(month, 1);
    void api.invoke('chats.activity', { chatId, bounds: [...days, next] }).then(
      ({ counts: c }) => live && setCounts(c),
      () => live && setCounts(days.map(() => 0)),
    );
    return () => {
      live = false;
    };
  }, [chatId, month, days]);

  // Keep the focused day on an active day once counts arrive, and focus it.
  useEffect(() => {
    if (!counts) return;
    if (!counts[focusDay - 1]) {
      const nearest = counts.findIndex((c) => c > 0);
      if (nearest >= 0) setFocusDay(nearest + 1);
    }
  }, [counts, focusDay]);

  useEffect(() => {
    grid.current?.querySelector<HTMLButtonElement>('[data-focus="true"]')?.focus();
  }, [counts, focusDay]);

  const lead = (new Date(month).getDay() - weekStart + 7) % 7;
  const weekdays = Array.from({ length: 7 }, (_, i) => {
    // 2023-01-01 was a Sunday.
    const sample = new Date(2023, 0, 1 + ((weekStart + i) % 7));
    return { short: weekdayShort.format(sample), long: weekdayLong.format(sample) };
  });

  const go = (n: number) => {
    const next = addMonths(month, n);
    if (next < firstMonth || next > lastMonth) return;
    setMonth(next);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -7,
      ArrowDown: 7,
    };
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key in moves) {
      event.preventDefault();
      const target = focusDay + (moves[event.key] ?? 0);
      if (target >= 1 && target <= days.length) setFocusDay(target);
    } else if (event.key === 'PageUp' || event.key === 'PageDown') {
      event.preventDefault();
      go(event.key === 'PageUp' ? -1 : 1);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      setFocusDay(event.key === 'Home' ? 1 : days.length);
    }
  };

  return (
    <div className="date-jump" role="dialog" aria-label="Jump to a date" onKeyDown={onKeyDown}>
      <div className="date-jump-head">
        <button
          type="button"
          className="icon-button"
          onClick={() => go(-1)}
          disabled={month <= firstMonth}
          aria-label="Previous month"
        >
          <Icon name="left" />
        </button>
        <span className="date-jump-month" aria-live="polite">
          {formatMonth(month)}
        </span>
        <button
          type="button"
          className="icon-button"
          onClick={() => go(1)}
          disabled={month >= lastMonth}
          aria-label="Next month"
        >
          <Icon name="right" />
        </button>
      </div>
      <div className="date-jump-grid" ref={grid} role="grid" aria-label={formatMonth(month)}>
        <div role="row" className="date-jump-row">
          {weekdays.map((w) => (
            <span
              key={w.long}
              role="columnheader"
              aria-label={w.long}
              className="date-jump-weekday"
            >
              {w.short}
            </span>
          ))}
        </div>
        {Array.from({ length: Math.ceil((lead + days.length) / 7) }, (_, week) => (
          <div role="row" className="date-jump-row" key={week}>
            {Array.from({ length: 7 }, (_, col) => {
              const dayIndex = week * 7 + col - lead;
              const day = days[dayIndex];
              if (day === undefined)
                return <span key={col} role="gridcell" className="date-jump-empty" />;
              const count = counts?.[dayIndex] ?? 0;
              const active = count > 0;
              const focused = dayIndex + 1 === focusDay;
              return (
                <span role="gridcell" key={col}>
                  <button
                    type="button"
                    className={`date-jump-day${active ? ' active' : ''}`}
                    // Focusable, so arrows can cross empty days; just not pickable.
                    aria-disabled={!active}
                    tabIndex={focused ? 0 : -1}
                    data-focus={focused}
                    aria-label={`${dayLabel.format(day)}${active ? `, ${plural(count, 'message')}` : ', no messages'}`}
                    onClick={() => active && onPick(day)}
                  >
                    {dayIndex + 1}
                  </button>
                </span>
              );
            })}
          </div>
        ))}
      </div>
      <p className="date-jump-hint">Days with messages are in bold.</p>
    </div>
  );
}

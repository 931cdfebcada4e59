import { describe, expect, it } from 'vitest';
import { inferDateOrder, parseHeader, resolveDate, to24h, type HeaderParts } from './line.js';

describe('parseHeader', () => {
  const cases: [string, Partial<HeaderParts>][] = [
    [
      '[20.06.19, 15:58:47] Loris: Hey',
      { date: [20, 6, 19], hour: 15, second: 47, author: 'Loris', text: 'Hey' },
    ],
    [
      '06/03/2017, 00:45 - Sample User: text',
      { date: [6, 3, 2017], hour: 0, minute: 45, author: 'Sample User' },
    ],
    ['6/3/17, 12:45\u202fPM - Sam: x', { hour: 12, meridiem: 'pm', author: 'Sam' }],
    [
      '\u200e[2018/06/13, 21:25:15] Bob: hi',
      { date: [2018, 6, 13], dateWidths: [4, 2, 2], author: 'Bob' },
    ],
    [
      '13.06.18 klo 21.25 - Matti: moi',
      { date: [13, 6, 18], hour: 21, minute: 25, author: 'Matti' },
    ],
    ['13/6/18 9:25\u00a0p.\u00a0m. - Ana: hola', { hour: 9, meridiem: 'pm', author: 'Ana' }],
    ['[13/06/2018, 9:25:15 a.m.] Ana: hola', { hour: 9, meridiem: 'am', second: 15 }],
    [
      '[20.06.19, 15:58:47] Messages are encrypted.',
      { author: null, text: 'Messages are encrypted.' },
    ],
    ['\u200e13.06.18, 9:05 a.m. - \u200eAna: x', { author: 'Ana', text: 'x' }],
  ];
  it.each(cases)('reads %j', (line, want) => {
    expect(parseHeader(line)).toMatchObject(want);
  });

  it.each([
    'just text: here',
    '12/12/2020, 25:00 - x: y', // hour out of range
    '12/12/2020, 13:00 PM - x: y', // 13 PM
    '12/12/2020, 10:61 - x: y', // minute out of range
    '[12/12/2020, 10:00 - x: y', // bracket never closed
    '12/12/2020, 10:00] x: y', // bracket never opened
    '',
  ])('rejects %j', (line) => {
    expect(parseHeader(line)).toBeNull();
  });
});

describe('inferDateOrder', () => {
  it('uses a day above 12 anywhere in the file', () => {
    const dates: [number, number, number][] = [
      [1, 2, 20],
      [1, 3, 20],
      [25, 3, 20],
    ];
    expect(inferDateOrder(dates, [1, 1, 2])).toBe('day-first');
    expect(
      inferDateOrder(
        dates.map(([a, b, c]) => [b, a, c]),
        [1, 1, 2],
      ),
    ).toBe('month-first');
  });
  it('recognises year-first from a 4-digit first part', () => {
    expect(inferDateOrder([[2018, 6, 13]], [4, 2, 2])).toBe('year-first');
  });
  it('falls back to the part that changes more often', () => {
    const dayFirst: [number, number, number][] = [
      [1, 2, 20],
      [2, 2, 20],
      [3, 2, 20],
      [1, 3, 20],
    ];
    expect(inferDateOrder(dayFirst, null)).toBe('day-first');
    expect(inferDateOrder([[1, 2, 20]], null)).toBeNull();
  });
});

describe('date and clock resolution', () => {
  it('maps two-digit years and rejects impossible dates', () => {
    expect(resolveDate([20, 6, 19], 'day-first')).toEqual({ year: 2019, month: 6, day: 20 });
    expect(resolveDate([20, 6, 19], 'month-first')).toBeNull();
  });
  it('converts 12-hour clocks', () => {
    expect(to24h(12, 'am')).toBe(0);
    expect(to24h(12, 'pm')).toBe(12);
    expect(to24h(1, 'pm')).toBe(13);
    expect(to24h(24, null)).toBe(0);
  });
});

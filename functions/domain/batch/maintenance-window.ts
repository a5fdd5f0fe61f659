import { type MaintenanceWindow, WEEKDAYS, type Weekday } from './batch-operation.ts';

/**
 * When a batch may run: inside one of its maintenance windows, each given on weekdays as wall-clock
 * times in its own time zone (so a window follows daylight saving time). A window whose `to` is not
 * after its `from` runs over midnight into the next day, which it belongs to by its start: SAT
 * 22:00–05:00 is Saturday 22:00 to Sunday 05:00.
 */

interface LocalTime {
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  year: number;
  month: number;
  day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of an instant in a time zone. */
function localTimeOf(at: number, timeZone: string): LocalTime {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return {
    weekday: parts.weekday.toUpperCase() as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
  };
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const previousDay = (weekday: Weekday) => WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7];

function isInside(window: MaintenanceWindow, at: number): boolean {
  const local = localTimeOf(at, window.timeZone);
  const [from, to] = [minutesOf(window.from), minutesOf(window.to)];
  if (from < to) return window.days.includes(local.weekday) && local.minutes >= from && local.minutes < to;
  // Over midnight: the evening of one of its days, or the morning after one.
  return (
    (window.days.includes(local.weekday) && local.minutes >= from) ||
    (window.days.includes(previousDay(local.weekday)) && local.minutes < to)
  );
}

/** Whether `at` lies inside one of the windows (a batch without windows may always run). */
export function isInsideWindows(windows: readonly MaintenanceWindow[] | undefined, at: Date): boolean {
  return !windows || windows.some((window) => isInside(window, at.getTime()));
}

/** The instant a wall-clock time of a local date has in a time zone (the first, when clocks go back). */
function instantOf(local: { year: number; month: number; day: number }, minutes: number, timeZone: string) {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, 0, minutes);
  let instant = asUtc;
  // The zone's offset at the guess, twice: the second corrects a guess on the other side of a change.
  for (let step = 0; step < 2; step++) {
    const seen = localTimeOf(instant, timeZone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, 0, seen.minutes);
    instant = asUtc - (seenAsUtc - instant);
  }
  return instant;
}

/** Days ahead a window's next opening is looked for: a week, and one more for a window over midnight. */
const LOOKAHEAD_DAYS = 8;
const DAY_MS = 86_400_000;

/** When the next of the windows opens after `at`, or undefined when none ever does. */
export function nextWindowOpening(windows: readonly MaintenanceWindow[], at: Date): Date | undefined {
  let next: number | undefined;
  for (const window of windows) {
    for (let ahead = 0; ahead <= LOOKAHEAD_DAYS; ahead++) {
      const local = localTimeOf(at.getTime() + ahead * DAY_MS, window.timeZone);
      if (!window.days.includes(local.weekday)) continue;
      const opening = instantOf(local, minutesOf(window.from), window.timeZone);
      if (opening > at.getTime() && (next === undefined || opening < next)) next = opening;
    }
  }
  return next === undefined ? undefined : new Date(next);
}

/** A window as people read it: `SAT,SUN 22:00–05:00 Europe/Berlin`. */
export const describeWindow = (window: MaintenanceWindow) =>
  `${window.days.join(',')} ${window.from}–${window.to} ${window.timeZone}`;

import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '#domain/batch/batch-operation.ts';
import { isInsideWindows, nextWindowOpening } from '#domain/batch/maintenance-window.ts';

const weekend: MaintenanceWindow = {
  days: ['SAT', 'SUN'],
  from: '22:00',
  to: '05:00',
  timeZone: 'Europe/Berlin',
};
const at = (iso: string) => new Date(iso);

describe('a maintenance window', () => {
  it('holds from its start on its days into the next morning, in its own time zone', () => {
    // Saturday 2026-03-07, 22:30 in Berlin (CET, UTC+1).
    expect(isInsideWindows([weekend], at('2026-03-07T21:30:00Z'))).toBe(true);
    // Monday 04:59 Berlin: the morning after Sunday's window.
    expect(isInsideWindows([weekend], at('2026-03-09T03:59:00Z'))).toBe(true);
    expect(isInsideWindows([weekend], at('2026-03-09T04:00:00Z'))).toBe(false);
    // Saturday morning 04:00 Berlin follows Friday, which is not a day of the window.
    expect(isInsideWindows([weekend], at('2026-03-07T03:00:00Z'))).toBe(false);
    expect(isInsideWindows([weekend], at('2026-03-07T20:59:00Z'))).toBe(false);
  });

  it('lets a batch without windows always run', () => {
    expect(isInsideWindows(undefined, at('2026-03-04T12:00:00Z'))).toBe(true);
  });

  it('finds the next opening, following daylight saving time', () => {
    // Wednesday: the next opening is Saturday 22:00 Berlin = 21:00 UTC in winter.
    expect(nextWindowOpening([weekend], at('2026-03-04T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-07T21:00:00.000Z',
    );
    // After 29 March Berlin is on CEST (UTC+2): Saturday 4 April 22:00 is 20:00 UTC.
    expect(nextWindowOpening([weekend], at('2026-04-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-04-04T20:00:00.000Z',
    );
    // Inside Saturday's window, the next opening is Sunday's.
    expect(nextWindowOpening([weekend], at('2026-03-07T21:30:00Z'))?.toISOString()).toBe(
      '2026-03-08T21:00:00.000Z',
    );
  });

  it('takes the earliest of several windows in different zones', () => {
    const tokyoMorning: MaintenanceWindow = {
      days: ['THU'],
      from: '06:00',
      to: '07:00',
      timeZone: 'Asia/Tokyo',
    };
    // Wednesday 2026-03-04 12:00 UTC: Thursday 06:00 Tokyo is Wednesday 21:00 UTC.
    expect(nextWindowOpening([weekend, tokyoMorning], at('2026-03-04T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-04T21:00:00.000Z',
    );
  });
});

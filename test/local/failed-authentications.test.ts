import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FAILED_AUTHENTICATIONS,
  FailedAuthentications,
  failedAuthenticationsFromEnvironment,
} from '../../local/failed-authentications.ts';

const settings = { freePerUser: 3, freePerAddress: 5, maxLockSeconds: 60, forgetAfterMs: 600_000 };

describe('failed authentications', () => {
  it('lets a few failures of one user pass, then doubles the wait after each further one, up to the cap', () => {
    let now = 0;
    const failures = new FailedAuthentications({ ...settings, freePerAddress: 1000 }, () => now);
    const waits: (number | undefined)[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      waits.push(failures.lockedFor('10.0.0.7', 'user:demo'));
      failures.failed('10.0.0.7', 'user:demo');
      now += (failures.lockedFor('10.0.0.7', 'user:demo') ?? 0) * 1000;
    }
    expect(waits).toEqual(Array(10).fill(undefined));
    // Each wait was served before the next attempt: 3 free, then 1, 2, 4, 8, 16, 32, 60 (the cap).
    expect(now).toBe((1 + 2 + 4 + 8 + 16 + 32 + 60) * 1000);
  });

  it('refuses the claimed user at that address only, not the same user elsewhere nor another user there', () => {
    const failures = new FailedAuthentications(settings, () => 0);
    for (let attempt = 0; attempt < 4; attempt++) failures.failed('10.0.0.7', 'user:demo');
    expect(failures.lockedFor('10.0.0.7', 'user:demo')).toBe(1);
    expect(failures.lockedFor('10.0.0.8', 'user:demo')).toBeUndefined();
    expect(failures.lockedFor('10.0.0.7', 'user:eve')).toBeUndefined();
  });

  it('refuses an address that rotates user names once it failed more than its free failures', () => {
    const failures = new FailedAuthentications(settings, () => 0);
    for (let attempt = 0; attempt < 6; attempt++) failures.failed('10.0.0.7', `user:guess-${attempt}`);
    expect(failures.lockedFor('10.0.0.7', 'user:guess-99')).toBe(1);
    expect(failures.lockedFor('10.0.0.8', 'user:guess-99')).toBeUndefined();
  });

  it("starts a user's count over when it proves who it is, and forgets failures after a quiet spell", () => {
    let now = 0;
    const failures = new FailedAuthentications({ ...settings, freePerAddress: 1000 }, () => now);
    for (let attempt = 0; attempt < 3; attempt++) failures.failed('10.0.0.7', 'user:demo');
    failures.succeeded('10.0.0.7', 'user:demo');
    failures.failed('10.0.0.7', 'user:demo');
    expect(failures.lockedFor('10.0.0.7', 'user:demo')).toBeUndefined();
    for (let attempt = 0; attempt < 3; attempt++) failures.failed('10.0.0.7', 'user:eve');
    now = 600_001;
    failures.failed('10.0.0.7', 'user:eve');
    expect(failures.lockedFor('10.0.0.7', 'user:eve')).toBeUndefined();
  });

  it('reads its thresholds from the environment, refusing what is not a whole number', () => {
    expect(failedAuthenticationsFromEnvironment({})).toEqual(DEFAULT_FAILED_AUTHENTICATIONS);
    expect(
      failedAuthenticationsFromEnvironment({ AUTH_FAILURES_FREE_PER_ADDRESS: '500' }).freePerAddress,
    ).toBe(500);
    expect(() => failedAuthenticationsFromEnvironment({ AUTH_FAILURES_FREE_PER_USER: '0' })).toThrow(
      "AUTH_FAILURES_FREE_PER_USER must be a whole number ≥ 1 (failed authentications before backoff), got '0'",
    );
  });
});

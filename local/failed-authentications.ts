/**
 * Failed authentications, counted before anyone is believed: per source address and per claimed user
 * at that address. A few failures are free (a mistyped password); every further one doubles the time
 * that key is refused without a check, up to a cap. The pair key locks out a guesser of one user's
 * password without locking that user out elsewhere; the address key stops a guesser who rotates the
 * user names. A failure is forgotten once the key stays quiet for `forgetAfterMs`.
 */
export interface FailedAuthenticationSettings {
  /** Failures free of backoff for one claimed user at one address. */
  readonly freePerUser: number;
  /** Failures free of backoff for one address, whatever the user names. */
  readonly freePerAddress: number;
  readonly maxLockSeconds: number;
  readonly forgetAfterMs: number;
}

export const DEFAULT_FAILED_AUTHENTICATIONS: FailedAuthenticationSettings = {
  // Ten wrong passwords in a row are still a person, not a guesser.
  freePerUser: 10,
  freePerAddress: 20,
  // Long enough to make guessing hopeless (2^10 s), short enough that a locked-out person waits it out.
  maxLockSeconds: 15 * 60,
  forgetAfterMs: 15 * 60 * 1000,
};

/** Keys remembered at most; beyond, the quiet ones are forgotten first. */
const MAX_TRACKED_KEYS = 10_000;

interface Record {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class FailedAuthentications {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly settings: FailedAuthenticationSettings = DEFAULT_FAILED_AUTHENTICATIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the request must wait before its credentials are checked at all, or undefined. */
  lockedFor(address: string, claimedUser: string): number | undefined {
    const now = this.now();
    const until = Math.max(
      ...this.keys(address, claimedUser).map((key) => this.current(key, now)?.lockedUntil ?? 0),
    );
    return until > now ? Math.ceil((until - now) / 1000) : undefined;
  }

  failed(address: string, claimedUser: string): void {
    const now = this.now();
    if (this.records.size >= MAX_TRACKED_KEYS) this.forgetQuiet(now);
    const [addressKey, userKey] = this.keys(address, claimedUser);
    for (const [key, free] of [
      [addressKey, this.settings.freePerAddress],
      [userKey, this.settings.freePerUser],
    ] as const) {
      const failures = (this.current(key, now)?.failures ?? 0) + 1;
      const lockSeconds =
        failures > free ? Math.min(2 ** (failures - free - 1), this.settings.maxLockSeconds) : 0;
      this.records.set(key, { failures, lastFailure: now, lockedUntil: now + lockSeconds * 1000 });
    }
  }

  /** The user proved who it is at this address: its own count starts over (the address's does not). */
  succeeded(address: string, claimedUser: string): void {
    this.records.delete(this.keys(address, claimedUser)[1]);
  }

  private keys(address: string, claimedUser: string): [string, string] {
    return [`address:${address}`, `user:${address}:${claimedUser}`];
  }

  private current(key: string, now: number): Record | undefined {
    const record = this.records.get(key);
    if (record && now - record.lastFailure > this.settings.forgetAfterMs && now >= record.lockedUntil) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  private forgetQuiet(now: number) {
    for (const key of [...this.records.keys()]) this.current(key, now);
  }
}

/**
 * The settings from AUTH_FAILURES_FREE_PER_USER and AUTH_FAILURES_FREE_PER_ADDRESS, or the defaults;
 * invalid values stop the start.
 */
export function failedAuthenticationsFromEnvironment(env: NodeJS.ProcessEnv): FailedAuthenticationSettings {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${name} must be a whole number ≥ 1 (failed authentications before backoff), got '${raw}'`,
      );
    }
    return value;
  };
  return {
    ...DEFAULT_FAILED_AUTHENTICATIONS,
    freePerUser: read('AUTH_FAILURES_FREE_PER_USER', DEFAULT_FAILED_AUTHENTICATIONS.freePerUser),
    freePerAddress: read('AUTH_FAILURES_FREE_PER_ADDRESS', DEFAULT_FAILED_AUTHENTICATIONS.freePerAddress),
  };
}

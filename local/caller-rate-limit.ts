import type { IncomingMessage } from 'node:http';

/** Requests per second and burst of one caller; `perSecond` 0 turns the limit off. */
export interface RateLimitSettings {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * The default: far above what a laptop serves (so tests and benchmarks never meet it), low enough
 * that one runaway script cannot starve every other caller.
 */
export const DEFAULT_RATE_LIMIT: RateLimitSettings = { perSecond: 2000, burst: 4000 };

/** Callers remembered at most; beyond, the buckets that have refilled (idle callers) are forgotten. */
const MAX_TRACKED_CALLERS = 10_000;

/**
 * Per-caller token buckets, as API Gateway throttles a stage on AWS: each caller holds up to `burst`
 * tokens, refilled at `perSecond`; a request takes one, or learns how long until one is there.
 */
export class CallerRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `caller`: undefined when the request may pass, else the seconds to wait. */
  take(caller: string): number | undefined {
    if (this.settings.perSecond <= 0) return undefined;
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.settings.burst, at: now };
    const tokens = Math.min(
      this.settings.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.settings.perSecond,
    );
    if (!this.buckets.has(caller) && this.buckets.size >= MAX_TRACKED_CALLERS) this.forgetIdle(now);
    if (tokens < 1) {
      this.buckets.set(caller, { tokens, at: now });
      return Math.ceil((1 - tokens) / this.settings.perSecond);
    }
    this.buckets.set(caller, { tokens: tokens - 1, at: now });
    return undefined;
  }

  private forgetIdle(now: number) {
    for (const [caller, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.settings.perSecond >= this.settings.burst)
        this.buckets.delete(caller);
    }
  }
}

/**
 * Who is calling, for the rate limit, once authentication verified it: the token's client and subject
 * (a Basic user's claims name it as their subject). Unverified requests never reach the limit by a
 * name they chose: they are refused first, and counted by `FailedAuthentications`.
 */
export function verifiedCallerOf(claims: Record<string, unknown>): string {
  return `verified:${JSON.stringify([claims.client_id ?? null, claims.sub ?? null])}`;
}

/** The caller of a request no authentication applies to (the public routes): its address. */
export function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The user a request claims to be, unverified: the Basic user name, or a bearer token's subject. Only
 * a key for counting failed authentications, never an identity.
 */
export function claimedUserOf(authorization: string | undefined): string {
  const [scheme, credentials] = (authorization ?? '').split(' ', 2);
  if (credentials && /^basic$/i.test(scheme))
    return `user:${Buffer.from(credentials, 'base64').toString('utf8').split(':', 1)[0]}`;
  if (credentials && /^bearer$/i.test(scheme)) {
    try {
      const { sub } = JSON.parse(Buffer.from(credentials.split('.')[1] ?? '', 'base64url').toString('utf8'));
      if (typeof sub === 'string') return `subject:${sub}`;
    } catch {
      // Not a JWT: no claimed user.
    }
  }
  return 'none';
}

/** The limit from API_RATE_LIMIT_PER_SECOND and API_RATE_LIMIT_BURST, or the default; invalid values stop the start. */
export function rateLimitFromEnvironment(env: NodeJS.ProcessEnv): RateLimitSettings {
  const read = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`${name} must be a number ≥ 0 (0 turns the per-caller limit off), got '${raw}'`);
    }
    return value;
  };
  const perSecond = read('API_RATE_LIMIT_PER_SECOND', DEFAULT_RATE_LIMIT.perSecond);
  return { perSecond, burst: Math.max(1, read('API_RATE_LIMIT_BURST', Math.max(perSecond * 2, 1))) };
}

import { describe, expect, it } from 'vitest';
import {
  CallerRateLimit,
  claimedUserOf,
  rateLimitFromEnvironment,
  verifiedCallerOf,
} from '../../local/caller-rate-limit.ts';

describe('per-caller rate limit', () => {
  it('lets a caller spend its burst, then says how long until the next token', () => {
    let now = 0;
    const limit = new CallerRateLimit({ perSecond: 2, burst: 3 }, () => now);
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([undefined, undefined, undefined]);
    expect(limit.take('a')).toBe(1);
    // Another caller has a bucket of its own.
    expect(limit.take('b')).toBeUndefined();
    now = 500; // half a second: one token back at 2 per second
    expect(limit.take('a')).toBeUndefined();
    expect(limit.take('a')).toBe(1);
  });

  it('is off at 0 requests per second', () => {
    const limit = new CallerRateLimit({ perSecond: 0, burst: 1 });
    expect(Array.from({ length: 10 }, () => limit.take('a')).every((wait) => wait === undefined)).toBe(true);
  });

  it('keys a verified caller by its client and subject together: two clients without a subject are apart', () => {
    expect(verifiedCallerOf({ sub: 'demo' })).toBe('verified:[null,"demo"]');
    expect(verifiedCallerOf({ client_id: 'alpha' })).not.toBe(verifiedCallerOf({ client_id: 'beta' }));
    expect(verifiedCallerOf({ sub: 'a', client_id: 'b' })).not.toBe(
      verifiedCallerOf({ sub: 'b', client_id: 'a' }),
    );
  });

  it('reads the user a request claims to be from its Basic user or its bearer subject, for counting failures only', () => {
    const token = `x.${Buffer.from(JSON.stringify({ sub: 'svc-1' })).toString('base64url')}.y`;
    expect(claimedUserOf(`Basic ${Buffer.from('demo:wrong').toString('base64')}`)).toBe('user:demo');
    expect(claimedUserOf(`Bearer ${token}`)).toBe('subject:svc-1');
    expect(claimedUserOf('Bearer not-a-jwt')).toBe('none');
    expect(claimedUserOf(undefined)).toBe('none');
  });

  it('reads its settings from the environment, with a default far above what tests send', () => {
    expect(rateLimitFromEnvironment({})).toEqual({ perSecond: 2000, burst: 4000 });
    expect(rateLimitFromEnvironment({ API_RATE_LIMIT_PER_SECOND: '5' })).toEqual({ perSecond: 5, burst: 10 });
    expect(() => rateLimitFromEnvironment({ API_RATE_LIMIT_BURST: 'many' })).toThrow(
      "API_RATE_LIMIT_BURST must be a number ≥ 0 (0 turns the per-caller limit off), got 'many'",
    );
  });
});

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CallerRateLimit, callerOf, rateLimitFromEnvironment } from '../../local/caller-rate-limit.ts';

const request = (authorization?: string, remoteAddress = '10.0.0.7') =>
  ({
    headers: authorization ? { authorization } : {},
    socket: { remoteAddress },
  }) as unknown as IncomingMessage;

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

  it('keys a caller by its Basic user, its bearer subject, else its address', () => {
    const token = `x.${Buffer.from(JSON.stringify({ sub: 'svc-1' })).toString('base64url')}.y`;
    expect(callerOf(request(`Basic ${Buffer.from('demo:demo').toString('base64')}`))).toBe('user:demo');
    expect(callerOf(request(`Bearer ${token}`))).toBe('subject:svc-1');
    expect(callerOf(request('Bearer not-a-jwt'))).toBe('address:10.0.0.7');
    expect(callerOf(request())).toBe('address:10.0.0.7');
  });

  it('reads its settings from the environment, with a default far above what tests send', () => {
    expect(rateLimitFromEnvironment({})).toEqual({ perSecond: 2000, burst: 4000 });
    expect(rateLimitFromEnvironment({ API_RATE_LIMIT_PER_SECOND: '5' })).toEqual({ perSecond: 5, burst: 10 });
    expect(() => rateLimitFromEnvironment({ API_RATE_LIMIT_BURST: 'many' })).toThrow(
      "API_RATE_LIMIT_BURST must be a number ≥ 0 (0 turns the per-caller limit off), got 'many'",
    );
  });
});

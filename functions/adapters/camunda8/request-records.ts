import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the requests of one adapter call met beneath the client, which its errors do not tell:
 * - `unanswered`: requests that went out without an answer coming back (connection reset, timeout).
 *   Such a request may have landed; the client retries it by itself, and a retried command whose
 *   first attempt landed is refused ("already TERMINATED") though this very batch did it. The adapter
 *   then asks the cluster for the item's state before it fails the item.
 * - `retryAfterMs`: the longest `Retry-After` of a 429 or 503, which the client's own backoff does
 *   not read; the adapter waits at least that long before it tries again.
 * The client's `fetch` reports into the call's context, which flows through the client's retries.
 */
export interface RequestRecord {
  unanswered: number;
  retryAfterMs: number;
}

const records = new AsyncLocalStorage<RequestRecord>();

/** `Retry-After` in ms: delay-seconds or an HTTP date (RFC 9110, section 10.2.3); 0 when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 0 : Math.max(0, date - now);
}

/** The client's fetch: `base` (the platform's), noting what the current call's record keeps. */
export function observingFetch(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const record = records.getStore();
    try {
      const response = await base(input, init);
      if (record && (response.status === 429 || response.status === 503)) {
        const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
        record.retryAfterMs = Math.max(record.retryAfterMs, wait);
      }
      return response;
    } catch (error) {
      if (record) record.unanswered++;
      throw error;
    }
  };
}

/** Runs `op` with a record of its requests, to be read once `op` has settled. */
export function recordingRequests<T>(op: () => Promise<T>): { record: RequestRecord; result: Promise<T> } {
  const record = { unanswered: 0, retryAfterMs: 0 };
  return { record, result: records.run(record, op) };
}

import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whether a request of the current call went out without an answer coming back (connection reset,
 * timeout). Such a request may have landed; the client retries it by itself, and a retried command
 * whose first attempt landed is refused ("already TERMINATED"), though this very batch did it. The
 * adapter therefore asks the cluster for the item's state when a refusal follows an unanswered
 * request. The client's `fetch` reports into the call's context, which flows through its retries.
 */
const unanswered = new AsyncLocalStorage<{ requests: number }>();

/** The client's fetch: the platform's, noting each request that got no answer. */
export async function observedFetch(
  input: Parameters<typeof fetch>[0],
  init?: RequestInit,
): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    const record = unanswered.getStore();
    if (record) record.requests++;
    throw error;
  }
}

/** Runs `op` counting its unanswered requests; `record.requests` is read once `op` has settled. */
export function countingUnanswered<T>(op: () => Promise<T>): {
  record: { requests: number };
  result: Promise<T>;
} {
  const record = { requests: 0 };
  return { record, result: unanswered.run(record, op) };
}

/** How the initialization retries a failed instance query (Zeebe's queryRetry* settings). */
export interface QueryRetrySettings {
  /** Retries after the first attempt; 0 fails the shard on the first retryable error. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  backoffFactor: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Decides what follows a failed query: a retryable error is retried after an exponentially growing
 * delay (capped), until the retries are used up; any other error fails at once. Pure, so the rule is
 * tested without waiting.
 */
export function decideQueryRetry(
  settings: QueryRetrySettings,
  failure: { retryable: boolean; retriesSoFar: number },
): RetryDecision {
  if (!failure.retryable) return { retry: false, reason: 'the error is not retryable' };
  if (failure.retriesSoFar >= settings.maxRetries)
    return { retry: false, reason: `it still failed after ${settings.maxRetries} retries` };
  const delayMs = settings.initialDelayMs * settings.backoffFactor ** failure.retriesSoFar;
  return { retry: true, delayMs: Math.min(delayMs, settings.maxDelayMs) };
}

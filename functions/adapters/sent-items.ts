import { mapWithConcurrency } from '#domain/concurrency.ts';
import type { EngineItem, EngineItemResult } from '#ports/engine.ts';

/** An item's outcome as one call saw it; `uncertain` when an earlier attempt got no answer and may have landed. */
export type SentItemResult = EngineItemResult & { uncertain?: boolean };

/**
 * Each item's outcome on an engine that does not mark items (an external engine), with bounded
 * concurrency: what the engine answered, except that a refusal after an attempt that may have landed
 * is checked against the item's state first, since the refusal may be of this very batch's change.
 */
export async function sentItemOutcomes(
  items: readonly EngineItem[],
  concurrency: number,
  send: (item: EngineItem) => Promise<SentItemResult>,
  applied: (item: EngineItem) => Promise<boolean>,
): Promise<EngineItemResult[]> {
  return await mapWithConcurrency(items, concurrency, async (item) =>
    settledOutcome(await send(item), () => applied(item)),
  );
}

/**
 * An item's outcome from what its calls saw: a refusal after an attempt that may have landed is the
 * item's own change when the item shows the operation's effect.
 */
export async function settledOutcome(
  sent: SentItemResult,
  applied: () => Promise<boolean>,
): Promise<EngineItemResult> {
  const { uncertain, ...result } = sent;
  if (result.state === 'FAILED' && uncertain && (await applied())) return { state: 'COMPLETED' };
  return result;
}

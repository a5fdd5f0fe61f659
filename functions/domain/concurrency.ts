/**
 * Runs `work` over `items` with at most `limit` in flight, keeping the order of results. After the
 * first failure no new item is started, and the failure is thrown only once the items already in
 * flight have settled: a failed chunk has stopped writing when its invocation ends, so nothing of it
 * is still landing while it is retried or accounted for as dead.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await work(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  return results;
}

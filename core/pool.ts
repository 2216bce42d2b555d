// Runs tasks with at most `limit` in flight, in plan order. Stops starting new tasks once the
// signal fires or a task fails; tasks already started always finish. A failure is rethrown only
// after every task in flight has settled, so nothing is still writing when the caller cleans up.

export async function runPool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
  stopStarting?: AbortSignal,
): Promise<void> {
  if (!(limit >= 1) || !(Number.isInteger(limit) || limit === Infinity)) {
    throw new RangeError(`runPool: the limit must be a whole number, 1 or more (got ${limit})`);
  }
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length && !stopStarting?.aborted) {
      const index = next++;
      try {
        await task(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

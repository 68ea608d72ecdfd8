// Events for one issue can arrive at the same moment: handle them one after another, so two
// deliveries never both create "the" bot comment. (Across replicas, see the reconcile sweep.)

const tails = new Map<string, Promise<unknown>>();

export async function withIssueLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(work);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    // Forget the key once nothing else queued behind us, so the map stays small.
    if (tails.get(key) === tail) tails.delete(key);
  }
}

export function pendingIssueLocks(): number {
  return tails.size;
}

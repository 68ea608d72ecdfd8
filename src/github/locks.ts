// Work on one key at a time, in arrival order, inside this process. Events for one issue can
// arrive at the same moment: handled one after another, two deliveries never both create "the"
// bot comment. Placements on one board likewise: each reads Ready and places its card before the
// next one reads, so a burst leaves Ready in order. (Across replicas, see the reconcile sweep.)

class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(work);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      // Forget the key once nothing else queued behind us, so the map stays small.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  get size(): number {
    return this.tails.size;
  }
}

const issues = new KeyedLock();
const boards = new KeyedLock();

export const withIssueLock = <T>(key: string, work: () => Promise<T>) => issues.run(key, work);
export const withBoardLock = <T>(key: string, work: () => Promise<T>) => boards.run(key, work);

export function pendingIssueLocks(): number {
  return issues.size;
}

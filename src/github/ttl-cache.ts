// What the app remembers about GitHub between deliveries (label names, board ids, permissions,
// hours used): one kind of cache, with an age limit and a size limit, so a long-running app
// with many repositories or people never grows without bound, and tests forget them all at once.

const all = new Set<TtlCache<unknown>>();

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {
    all.add(this as TtlCache<unknown>);
  }

  /** The value, unless it is older than the age limit. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: Date.now() });
    // Past the size limit the oldest entry goes (a Map keeps insertion order).
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Forget everything every cache holds (tests; a deployment never needs it). */
export function forgetAllCaches(): void {
  for (const cache of all) cache.clear();
}

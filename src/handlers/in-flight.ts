// Deliveries being handled right now, so a stopping app can let them finish. Probot answers
// GitHub after ~9 s even while a handler still runs, so open HTTP connections alone don't tell.
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Run a handler and remember it until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.running.add(promise);
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves once every handler started so far has settled. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/** The process's deliveries in flight (one app per process). */
export const deliveriesInFlight = new InFlight();

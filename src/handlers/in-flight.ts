// Deliveries and queued work being handled right now, so a stopping app can let them finish.
// Probot answers GitHub quickly while work still runs, so open HTTP connections alone don't tell.
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private readonly closers: (() => Promise<void>)[] = [];

  /** Run a handler and remember it until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.running.add(promise);
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Something to close when the app stops (the queue, the sweep's timer). */
  onStop(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  get size(): number {
    return this.running.size;
  }

  /** Take no new work (closers run, each letting what it started finish), then wait for the rest. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.closers.splice(0).map((close) => close()));
    await this.idle();
  }

  /** Resolves once every handler started so far has settled. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/** The process's deliveries in flight (one app per process). */
export const deliveriesInFlight = new InFlight();

// Deliveries and queued work being handled right now, so a stopping app can let them finish.
// Probot answers GitHub quickly while work still runs, so open HTTP connections alone don't tell.
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  /** The webhook deliveries among them: each may still add work to the queue. */
  private readonly deliveries = new Set<Promise<unknown>>();
  private readonly closers: (() => Promise<void>)[] = [];

  /** Run a handler and remember it until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.running.add(promise);
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** A delivery being received: tracked, and waited for before the queue is closed. */
  trackDelivery<T>(work: () => Promise<T>): Promise<T> {
    const promise = this.track(work);
    this.deliveries.add(promise);
    const forget = () => this.deliveries.delete(promise);
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

  /**
   * Let the deliveries being received queue their work (the server takes no new ones by now),
   * then take no new work (closers run, each letting what it started finish), then wait for the
   * rest. Closing the queue first would answer a delivery in its last milliseconds with 500.
   */
  async stop(): Promise<void> {
    while (this.deliveries.size) await Promise.allSettled([...this.deliveries]);
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

// A clock the test moves: the app reads its time and sets its timers on it, so a promise of an
// hour runs out when the test says so, not in an hour.
import type { Clock } from "../../src/clock.js";

interface Timer {
  at: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private readonly timers = new Set<Timer>();

  constructor(private time = Date.now()) {}

  now(): number {
    return this.time;
  }

  at(at: number, fn: () => void): () => void {
    const timer = { at, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Timers set and not yet fired. */
  get pending(): number {
    return this.timers.size;
  }

  /** The time as an ISO string (what GitHub would stamp a comment written now). */
  iso(): string {
    return new Date(this.time).toISOString();
  }

  /** Move on by `ms`, firing in order every timer that falls due. */
  advance(ms: number): void {
    this.time += ms;
    const due = [...this.timers].filter((t) => t.at <= this.time).sort((a, b) => a.at - b.at);
    for (const timer of due) {
      this.timers.delete(timer);
      timer.fn();
    }
  }
}

// The app's time, through one object: what time it is, and "call me at". The app runs on the
// system's clock; the end-to-end tests move a clock of their own, so an hour's promise can run
// out in a second.

export interface Clock {
  /** Milliseconds since 1970. */
  now(): number;
  /** Call `fn` once the clock reaches `at` (ms since 1970); returns what cancels it. */
  at(at: number, fn: () => void): () => void;
}

/** Node's timers take at most ~24.8 days; a later time is reached in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  at(at, fn) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = at - Date.now();
      timer = setTimeout(
        wait > LONGEST_TIMER_MS ? arm : fn,
        Math.min(Math.max(wait, 0), LONGEST_TIMER_MS),
      );
      timer.unref(); // a timer never keeps the process alive on its own
    };
    arm();
    return () => clearTimeout(timer);
  },
};

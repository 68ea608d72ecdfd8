// A clean stop on SIGTERM or SIGINT, for the process `npm start` and the container run (and the
// test replicas): stop taking requests, let the deliveries in flight and the queue's running item
// finish within the bound, then exit 0. Node as a container's PID 1 ignores SIGTERM unless it is
// handled, and Probot handles only SIGINT: without this, `docker stop` waits its grace period and
// kills deliveries in flight.
import { deliveriesInFlight } from "./handlers/in-flight.js";
import type { startServer } from "./index.js";

export type Server = Awaited<ReturnType<typeof startServer>>;
export interface Log {
  info: (message: string) => void;
  warn: (message: string) => void;
}

/** Stop taking requests, let those in flight finish within the bound, then exit 0. */
export function stopOnSignals(
  log: Log,
  withinSeconds: number,
  server: () => Server | undefined,
): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const busy = deliveriesInFlight.size;
    log.info(`${signal}: stopping; ${busy} deliveries in flight get up to ${withinSeconds} s`);
    const deadline = setTimeout(() => {
      log.warn(
        `still busy after ${withinSeconds} s: exiting; the reconcile sweep repairs the rest`,
      );
      process.exit(0);
    }, withinSeconds * 1000);
    deadline.unref();
    // Stop accepting, let the queue finish the item it runs (what waits stays in Redis, or in
    // memory for the sweep to find again), then exit: an idle keep-alive connection left open
    // by a client must not hold the process until the deadline.
    const closed = server()
      ?.stop()
      .catch(() => undefined);
    void deliveriesInFlight
      .stop()
      .then(() => Promise.race([closed, new Promise((r) => setTimeout(r, 500))]))
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

// The process that `npm start` and the container run: Probot's server with the app, and a clean
// stop. Node as a container's PID 1 ignores SIGTERM unless it is handled, and Probot handles only
// SIGINT: without this, `docker stop` waits its grace period and kills deliveries in flight.
import { run, type Probot } from "probot";
import { deliveriesInFlight } from "./handlers/in-flight.js";
import app, { StartupError } from "./index.js";
import { readSettings } from "./settings.js";

type Server = Awaited<ReturnType<typeof run>>;
type Log = Pick<Probot["log"], "info" | "warn">;

/** Stop taking requests, let those in flight finish within the bound, then exit 0. */
export function stopOnSignals(server: Server, log: Log, withinSeconds: number): void {
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
    // Stop accepting, then exit once the handlers are done: an idle keep-alive connection left
    // open by a client must not hold the process until the deadline.
    const closed = server.stop().catch(() => undefined);
    void deliveriesInFlight
      .idle()
      .then(() => Promise.race([closed, new Promise((r) => setTimeout(r, 500))]))
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function main(): Promise<void> {
  let log: Log = { info: console.info, warn: console.warn };
  const server = await run((probot, options) => {
    log = probot.log;
    return app(probot, options);
  });
  const settings = readSettings(process.env);
  stopOnSignals(server, log, settings.ok ? settings.settings.SHUTDOWN_TIMEOUT_SECONDS : 8);
}

main().catch((error: unknown) => {
  // A configuration problem has been logged line by line: no stack trace on top of it.
  if (!(error instanceof StartupError)) console.error(error);
  process.exit(1);
});

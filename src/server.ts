// The process that `npm start` and the container run: Probot's server with the app (its webhook
// path guarded: startServer), and a clean stop. Node as a container's PID 1 ignores SIGTERM
// unless it is handled, and Probot handles only SIGINT: without this, `docker stop` waits its
// grace period and kills deliveries in flight.
import { deliveriesInFlight } from "./handlers/in-flight.js";
import app, { startServer, StartupError } from "./index.js";
import { readSettings } from "./settings.js";

type Server = Awaited<ReturnType<typeof startServer>>;
interface Log {
  info: (message: string) => void;
  warn: (message: string) => void;
}

/** The server running now: the set-up page first, then the app once it is registered. */
let current: Server | undefined;

/** Stop taking requests, let those in flight finish within the bound, then exit 0. */
export function stopOnSignals(log: Log, withinSeconds: number): void {
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
    const closed = current?.stop().catch(() => undefined);
    void deliveriesInFlight
      .stop()
      .then(() => Promise.race([closed, new Promise((r) => setTimeout(r, 500))]))
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

const registered = () =>
  Boolean(process.env.APP_ID && process.env.PRIVATE_KEY && process.env.WEBHOOK_SECRET);

/**
 * Without credentials Probot serves its set-up page, whose manifest flow writes them to .env
 * and into this process's environment. Then the app restarts itself with them, in place.
 */
async function restartWhenRegistered(log: Log, onLog: (log: Log) => void): Promise<void> {
  while (!registered()) await new Promise((r) => setTimeout(r, 500));
  // Probot's set-up writes the key quoted, for .env; the environment wants the key itself.
  process.env.PRIVATE_KEY = process.env.PRIVATE_KEY!.replace(/^"([\s\S]*)"$/, "$1");
  log.info("sysadmin-pipe: the App is registered (.env written): restarting with its credentials");
  // Closing stops listening at once but waits for the browser's open connections (keep-alive):
  // the port is free already, so the app need not wait for them.
  await Promise.race([current?.stop(), new Promise((r) => setTimeout(r, 1_000))]);
  current = await start(onLog);
}

async function start(onLog: (log: Log) => void): Promise<Server> {
  return startServer((probot, options) => {
    onLog(probot.log);
    return app(probot, options);
  });
}

async function main(): Promise<void> {
  // Probot's logger once the app is loaded (the set-up page has none of its own).
  let probotLog: Log = { info: console.info, warn: console.warn };
  const log: Log = { info: (m) => probotLog.info(m), warn: (m) => probotLog.warn(m) };
  const setUp = !registered();
  current = await start((l) => (probotLog = l));
  const settings = readSettings(process.env);
  stopOnSignals(log, settings.ok ? settings.settings.SHUTDOWN_TIMEOUT_SECONDS : 8);
  if (setUp) await restartWhenRegistered(log, (l) => (probotLog = l));
}

main().catch((error: unknown) => {
  // A configuration problem has been logged line by line: no stack trace on top of it.
  if (!(error instanceof StartupError)) console.error(error);
  process.exit(1);
});

// The process that `npm start` and the container run: Probot's server with the app (its webhook
// path guarded: startServer), the set-up page until the App is registered, and a clean stop on
// SIGTERM (shutdown.ts).
import app, { startServer, StartupError } from "./index.js";
import { readSettings } from "./settings.js";
import { stopOnSignals, type Log, type Server } from "./shutdown.js";

/** The server running now: the set-up page first, then the app once it is registered. */
let current: Server | undefined;

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
  stopOnSignals(log, settings.ok ? settings.settings.SHUTDOWN_TIMEOUT_SECONDS : 8, () => current);
  if (setUp) await restartWhenRegistered(log, (l) => (probotLog = l));
}

main().catch((error: unknown) => {
  // A configuration problem has been logged line by line: no stack trace on top of it.
  if (!(error instanceof StartupError)) console.error(error);
  process.exit(1);
});

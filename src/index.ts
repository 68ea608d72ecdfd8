// Wiring only: load the configuration, register the handlers, start the server (its webhook path
// guarded: startServer).
import {
  run,
  type ApplicationFunction,
  type ApplicationFunctionOptions,
  type Probot,
} from "probot";
import { systemClock, type Clock } from "./clock.js";
import { DEFAULT_POLICY, DEFAULT_REGISTRY, loadConfigFiles } from "./config.js";
import { watchedRepos, type TriageConfig } from "./registry/triage-config.js";
import { deliveriesInFlight } from "./handlers/in-flight.js";
import { statusHandler, type StatusDeps } from "./handlers/status.js";
import { metricsHandler } from "./handlers/metrics-endpoint.js";
import { countDelivery, knowEvents, type DeliveryResult } from "./metrics/metrics.js";
import type { Submitted } from "./features/sweep/sweep.js";
import {
  publicWebhookPath,
  webhookGuard,
  withProbotMiddlewareOff,
  type WebhookEvent,
} from "./handlers/webhook-guard.js";
import { submit, workRunner, type WorkDeps } from "./handlers/work-queue.js";
import { connectShared, RedisUnreachable } from "./coordination/connect.js";
import { FEATURES } from "./features/index.js";
import type { Receiver } from "./features/feature.js";
import { itemFor, type Task } from "./features/tasks.js";
import { appLoginOnce } from "./github/app-identity.js";
import type { GitHub } from "./github/client-types.js";
import { ConfigStore } from "./github/live-config.js";
import { Executor } from "./github/executor.js";
import { labelStyle } from "./triage/label-names.js";
import type { ExecutorFor } from "./usecase/issue-job.js";
import { scheduleReconcile } from "./features/sweep/schedule.js";
import { redeliverFailed } from "./features/sweep/delivery-log.js";
import { chatWebhook, type ChatOptions } from "./notify/chat.js";
import { instanceList } from "./registry/schema.js";
import { formatProblems } from "./registry/yaml-load.js";
import { redactSecrets } from "./redact.js";
import { readSettings, withDeployment, type Settings } from "./settings.js";

export interface AppOptions {
  /** Use this configuration instead of reading the files (tests). */
  config?: TriageConfig;
  dryRun?: boolean;
  /** A Slack-compatible incoming-webhook URL (else CHAT_WEBHOOK_URL), and how hard to try. */
  chatUrl?: string;
  chatOptions?: ChatOptions;
  /** The environment to read settings from (tests); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Run each delivery's work inside its webhook handler, not through the queue (tests). */
  inline?: boolean;
  /** The first look at GitHub's delivery log after start (tests shorten it; null: none). */
  redeliverAfterMs?: number | null;
  /** When failed queued work is tried again (tests shorten it). */
  retryDelaysMs?: readonly number[];
  /** The app's time (the system's; the end-to-end tests move their own). */
  clock?: Clock;
  /** The first scheduled sweep after start (a minute; tests shorten it). */
  sweepFirstAfterMs?: number;
}

/** The app cannot start: each problem has been logged on its own line. */
export class StartupError extends Error {}

/** Settings and configuration, or a StartupError after logging every problem. */
function startupConfig(options: AppOptions, log: Probot["log"]) {
  const read = readSettings(options.env ?? process.env);
  const problems: string[] = read.ok ? [] : read.problems;
  let config = options.config;
  if (!config && read.ok) {
    const loaded = loadConfigFiles(
      read.settings.REGISTRY_FILE ?? DEFAULT_REGISTRY,
      read.settings.POLICY_FILE ?? DEFAULT_POLICY,
    );
    if (loaded.ok)
      config = { ...loaded.config, policy: withDeployment(loaded.config.policy, read.settings) };
    else problems.push(...loaded.problems.map((p) => formatProblems([p])));
  }
  if (!read.ok || !config || problems.length) {
    // Without a valid registry every decision would be wrong: refuse to start, and say why.
    for (const problem of problems) log.error(`sysadmin-pipe cannot start: ${problem}`);
    throw new StartupError(
      `sysadmin-pipe cannot start: ${problems.length} problem(s), logged above`,
    );
  }
  return { settings: read.settings, config };
}

/** One line that says what the app runs with: where the registry came from and what it holds. */
function describeStart(settings: Settings, config: TriageConfig): string {
  const instances = instanceList(config.registry);
  const tiers = (["full", "basic", "none"] as const)
    .map((tier) => `${instances.filter((i) => i.tier === tier).length} ${tier}`)
    .join(", ");
  const file = redactSecrets(settings.REGISTRY_FILE ?? DEFAULT_REGISTRY);
  const source = config.policy.registry_source.repo
    ? `the default branch of ${config.policy.registry_source.repo} (${file} until it is read)`
    : file;
  return `sysadmin-pipe: registry from ${source}: ${instances.length} instances (${tiers}); watching ${watchedRepos(config).join(", ")}`;
}

export function buildApp(options: AppOptions = {}) {
  return async (app: Probot, probotOptions?: ApplicationFunctionOptions): Promise<void> => {
    const { settings, config } = startupConfig(options, app.log);
    if (!options.config) app.log.info(describeStart(settings, config));
    // The live registry's policy gets the deployment's places too (board, reports repository…).
    const store = new ConfigStore(config, app.log, (policy) => withDeployment(policy, settings));
    const chatUrl = options.chatUrl ?? settings.CHAT_WEBHOOK_URL;
    const dryRun = options.dryRun ?? settings.DRY_RUN;
    if (dryRun) app.log.info("DRY_RUN is on: plans are logged, nothing is written to GitHub");
    const appLogin = appLoginOnce(
      settings.APP_SLUG,
      async () => (await app.auth()) as unknown as GitHub,
    );
    const connecting = connectShared<Task>({
      redisUrl: settings.REDIS_URL,
      log: app.log,
      retryDelaysMs: options.retryDelaysMs,
      clock: options.clock,
    });
    // Handlers are registered at once (deliveries may come before Redis answers) and wait for it.
    const chat = chatUrl ? chatWebhook(chatUrl, app.log, options.chatOptions) : undefined;
    // The one place dry run is decided: every plan goes through an executor made here.
    const executor: ExecutorFor = (github, ref, { log, policy }) =>
      new Executor(github, ref, { dryRun, log, chat, labelStyle: (n) => labelStyle(n, policy) });
    const ready = connecting.then((shared) => {
      const deps: WorkDeps = {
        config: (github, installation) => store.get(github, installation),
        executor,
        coordinator: shared.coordinator,
        queue: shared.queue,
        inline: options.inline ?? false,
        auth: (installation) => app.auth(Number(installation)),
        appLogin,
        clock: options.clock ?? systemClock,
        // A promise's next escalation step waits in the queue for its time (escalate.ts).
        remind: async (issue, at) =>
          void (await shared.queue.later(
            itemFor({ kind: "escalate", deliveryId: `promise-${at}`, ...issue }, true),
            at,
          )),
        store,
        log: app.log,
      };
      return { shared, deps, run: workRunner(deps) };
    });
    const track = deliveriesInFlight.track.bind(deliveriesInFlight);
    const trackDelivery = deliveriesInFlight.trackDelivery.bind(deliveriesInFlight);
    // Every feature's events, from the one list: a delivery becomes work for the queue (or is
    // answered at once, as a reload is), for each feature that takes its event, and is counted
    // once.
    for (const [event, receivers] of receiversByEvent()) {
      app.on(event as never, (context: Parameters<Receiver["receive"]>[0]) =>
        trackDelivery(async () => {
          const { deps, run } = await ready;
          try {
            const results: DeliveryResult[] = [];
            for (const receiver of receivers) {
              const queued = await receiver.receive(context, deps);
              const submitted = queued && (await submit(queued, deps, run, context.octokit));
              results.push(deliveryResult(submitted));
            }
            countDelivery(context.name, strongest(results));
          } catch (error) {
            countDelivery(context.name, "failed");
            throw error;
          }
        }),
      );
    }
    // Events no feature takes (ping, installation…) are counted too.
    const taken = new Set<string>(
      FEATURES.flatMap((f) => (f.receivers ?? []).flatMap((r) => r.events)),
    );
    knowEvents(taken);
    app.onAny((context) => {
      const action = (context.payload as { action?: unknown }).action;
      const full = typeof action === "string" ? `${context.name}.${action}` : context.name;
      if (!taken.has(context.name) && !taken.has(full)) countDelivery(context.name, "ignored");
    });
    const { shared, deps, run } = await ready.catch((error: unknown) => {
      if (!(error instanceof RedisUnreachable)) throw error;
      app.log.error(`sysadmin-pipe cannot start: ${error.message}`);
      throw new StartupError(error.message);
    });
    await shared.queue.start((item) => track(() => run(item).then(() => undefined)));
    deliveriesInFlight.onStop(() => shared.close());
    const every = settings.RECONCILE_EVERY_MINUTES;
    // The sweep's finds go to the same queue as deliveries.
    const sweeps = scheduleReconcile(app, store, {
      everyMinutes: every,
      submit: (task: Task) => submit({ task, urgent: false }, deps, run),
      coordinator: shared.coordinator,
      queue: shared.queue,
      appLogin,
      now: () => deps.clock.now(),
      remind: deps.remind,
      ...(options.sweepFirstAfterMs !== undefined
        ? { firstAfterMs: options.sweepFirstAfterMs }
        : {}),
      redeliver: async (appOctokit) =>
        redeliverFailed(
          appOctokit,
          executor(appOctokit, undefined, { log: app.log, policy: config.policy }),
          shared.coordinator,
          app.log,
        ),
      ...(options.redeliverAfterMs !== undefined
        ? { redeliverAfterMs: options.redeliverAfterMs }
        : {}),
    });
    deliveriesInFlight.onStop(async () => sweeps.stop());
    serveStatus(probotOptions, {
      queue: shared.queue,
      coordinator: shared.coordinator,
      store,
      every,
      token: settings.STATUS_TOKEN,
    });
    app.log.info(
      `sysadmin-pipe: ${shared.coordinator.kind === "redis" ? "replicas share Redis (REDIS_URL)" : "one replica (no REDIS_URL)"}; reconcile sweep ${every > 0 ? `every ${every} minutes` : "off"}`,
    );
  };
}

/** What became of a delivery: no work in it, queued (or run inline), or already received. */
/** Each event some feature takes, with the receivers that take it (in the features' order). */
function receiversByEvent(): Map<string, Receiver[]> {
  const byEvent = new Map<string, Receiver[]>();
  for (const receiver of FEATURES.flatMap((f) => f.receivers ?? []))
    for (const event of receiver.events)
      byEvent.set(event, [...(byEvent.get(event) ?? []), receiver]);
  return byEvent;
}

/** A delivery two features took: queued by either is queued. */
const strongest = (results: DeliveryResult[]): DeliveryResult =>
  (["queued", "duplicate"] as const).find((r) => results.includes(r)) ?? "ignored";

function deliveryResult(submitted: Submitted | undefined): DeliveryResult {
  if (!submitted) return "ignored";
  return submitted.queued || "done" in submitted ? "queued" : "duplicate";
}

/**
 * GET /status and GET /metrics, where there is a server (a Probot built without one, in tests,
 * has none).
 */
function serveStatus(options: ApplicationFunctionOptions | undefined, deps: StatusDeps): void {
  try {
    options?.addHandler?.(statusHandler(deps));
    options?.addHandler?.(metricsHandler({ queue: deps.queue, token: deps.token }));
  } catch {
    // "No server instance": nothing to add a page to.
  }
}

const app = buildApp();
export default app;

type RunOptions = NonNullable<Parameters<typeof run>[1]>;

/**
 * Probot's server with the app, its webhook path guarded (src/handlers/webhook-guard.ts): what
 * `npm start`, the container, the end-to-end tests and the benchmark run. Probot's own webhook
 * middleware, first of the server's handlers, is moved where no request reaches it, and the
 * guard serves the public path; both halves are here, so neither is ever set up without the
 * other. Without credentials run() serves Probot's set-up page instead, which has no webhooks.
 */
export function startServer(appFn: ApplicationFunction = app, options: RunOptions = {}) {
  // Read when run() loads the app, after it has loaded .env into process.env.
  const env = options.env ?? process.env;
  const guarded: ApplicationFunction = (probot, probotOptions) => {
    const secret = env.WEBHOOK_SECRET;
    if (!secret) {
      // Probot would check signatures with the well-known secret "development".
      const problem = "WEBHOOK_SECRET is not set: no delivery could be verified";
      probot.log.error(`sysadmin-pipe cannot start: ${problem}`);
      throw new StartupError(problem);
    }
    probotOptions.addHandler(
      webhookGuard({
        path: publicWebhookPath(env),
        secret,
        receive: (event: WebhookEvent) => probot.webhooks.receive(event as never),
        log: probot.log,
      }),
    );
    return appFn(probot, probotOptions);
  };
  return run(guarded, { ...options, env: withProbotMiddlewareOff(env) });
}

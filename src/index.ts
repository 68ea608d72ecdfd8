// Wiring only: load the configuration, register the handlers.
import type { ApplicationFunctionOptions, Probot } from "probot";
import {
  DEFAULT_POLICY,
  DEFAULT_REGISTRY,
  loadConfigFiles,
  watchedRepos,
  type TriageConfig,
} from "./config.js";
import { handleCommandComment } from "./handlers/comments.js";
import { deliveriesInFlight } from "./handlers/in-flight.js";
import { triageIssueEvent } from "./handlers/issue-events.js";
import type { AppDeps } from "./usecase/triage-issue.js";
import { checkRegistryPullRequest, reloadOnPush } from "./handlers/registry-events.js";
import { ConfigStore } from "./github/live-config.js";
import { scheduleReconcile } from "./reconcile/schedule.js";
import { chatWebhook, type ChatOptions } from "./notify/chat.js";
import { instanceList } from "./registry/schema.js";
import { formatProblems } from "./registry/yaml-load.js";
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
  const source = config.policy.registry_source.repo
    ? `the default branch of ${config.policy.registry_source.repo} (${settings.REGISTRY_FILE ?? DEFAULT_REGISTRY} until it is read)`
    : (settings.REGISTRY_FILE ?? DEFAULT_REGISTRY);
  return `sysadmin-pipe: registry from ${source}: ${instances.length} instances (${tiers}); watching ${watchedRepos(config).join(", ")}`;
}

export function buildApp(options: AppOptions = {}) {
  return (app: Probot, _probotOptions?: ApplicationFunctionOptions): void => {
    const { settings, config } = startupConfig(options, app.log);
    if (!options.config) app.log.info(describeStart(settings, config));
    // The live registry's policy gets the deployment's places too (board, reports repository…).
    const store = new ConfigStore(config, app.log, (policy) => withDeployment(policy, settings));
    const chatUrl = options.chatUrl ?? settings.CHAT_WEBHOOK_URL;
    const deps: AppDeps = {
      config: (github, installation) => store.get(github, installation),
      dryRun: options.dryRun ?? settings.DRY_RUN,
      chat: chatUrl ? chatWebhook(chatUrl, app.log, options.chatOptions) : undefined,
    };
    if (deps.dryRun) app.log.info("DRY_RUN is on: plans are logged, nothing is written to GitHub");
    const track = deliveriesInFlight.track.bind(deliveriesInFlight);
    app.on(["issues.opened", "issues.edited", "issues.reopened", "issues.closed"], (context) =>
      track(() => triageIssueEvent(context, deps)),
    );
    app.on("issue_comment.created", (context) => track(() => handleCommandComment(context, deps)));
    app.on(
      ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"],
      (context) => track(() => checkRegistryPullRequest(context, store, deps)),
    );
    app.on("push", (context) => track(() => reloadOnPush(context, store, deps)));
    const every = settings.RECONCILE_EVERY_MINUTES;
    if (every > 0) {
      scheduleReconcile(app, store, { everyMinutes: every, dryRun: deps.dryRun, chat: deps.chat });
      app.log.info(`reconcile sweep every ${every} minutes`);
    }
  };
}

export default buildApp();

// Wiring only: load the configuration, register the handlers.
import type { ApplicationFunctionOptions, Probot } from "probot";
import { loadConfigFiles, type TriageConfig } from "./config.js";
import { handleCommandComment } from "./handlers/comments.js";
import { triageIssueEvent } from "./handlers/issues.js";
import type { AppDeps } from "./handlers/pipeline.js";
import { checkRegistryPullRequest, reloadOnPush } from "./handlers/registry.js";
import { ConfigStore } from "./github/live-config.js";
import { scheduleReconcile } from "./reconcile/schedule.js";
import { chatWebhook, type ChatOptions } from "./notify/chat.js";
import { formatProblems } from "./registry/yaml-load.js";

export interface AppOptions {
  /** Use this configuration instead of reading the files (tests). */
  config?: TriageConfig;
  dryRun?: boolean;
  /** A Slack-compatible incoming-webhook URL (else CHAT_WEBHOOK_URL), and how hard to try. */
  chatUrl?: string;
  chatOptions?: ChatOptions;
}

function isTrue(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value ?? "");
}

export function buildApp(options: AppOptions = {}) {
  return (app: Probot, _probotOptions?: ApplicationFunctionOptions): void => {
    let config = options.config;
    if (!config) {
      const loaded = loadConfigFiles(
        process.env.REGISTRY_FILE || undefined,
        process.env.POLICY_FILE || undefined,
      );
      if (!loaded.ok) {
        // Without a valid registry every decision would be wrong: refuse to start, and say why.
        throw new Error(
          `sysadmin-pipe: the configuration is invalid:\n${formatProblems(loaded.problems)}`,
        );
      }
      config = loaded.config;
    }
    const store = new ConfigStore(config, app.log);
    const chatUrl = options.chatUrl ?? (process.env.CHAT_WEBHOOK_URL || undefined);
    const deps: AppDeps = {
      config: (github, installation) => store.get(github, installation),
      dryRun: options.dryRun ?? isTrue(process.env.DRY_RUN),
      chat: chatUrl ? chatWebhook(chatUrl, app.log, options.chatOptions) : undefined,
    };
    if (deps.dryRun) app.log.info("DRY_RUN is on: plans are logged, nothing is written to GitHub");
    app.on(["issues.opened", "issues.edited", "issues.reopened", "issues.closed"], (context) =>
      triageIssueEvent(context, deps),
    );
    app.on("issue_comment.created", (context) => handleCommandComment(context, deps));
    app.on(
      ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"],
      (context) => checkRegistryPullRequest(context, store),
    );
    app.on("push", (context) => reloadOnPush(context, store));
    const every = Number(process.env.RECONCILE_EVERY_MINUTES || 0);
    if (every > 0) {
      scheduleReconcile(app, store, { everyMinutes: every, dryRun: deps.dryRun, chat: deps.chat });
      app.log.info(`reconcile sweep every ${every} minutes`);
    }
  };
}

export default buildApp();

// Commands that talk to GitHub with a person's or a workflow's token (GITHUB_TOKEN).
import { Octokit } from "@octokit/rest";
import type { TriageConfig } from "../registry/triage-config.js";
import { ConfigStore } from "../github/live-config.js";
import { botLogin, DEFAULT_APP_SLUG } from "../github/app-identity.js";
import { gitHubClient } from "../github/client.js";
import { Executor } from "../github/executor.js";
import { labelStyle } from "../triage/label-names.js";
import type { ExecutorFor } from "../usecase/issue-job.js";
import { readDeployment, withDeployment, type Deployment } from "../settings.js";
import type { Logger } from "../logger.js";

export interface TokenIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Octokit for the command line: its own log of a failed request is left out, as the command
 * reports the failure itself, once. */
export function cliOctokit(token: string, io: TokenIo): Octokit {
  const quiet = () => undefined;
  return new Octokit({
    auth: token,
    baseUrl: io.env.GITHUB_API_URL || undefined,
    log: { debug: quiet, info: quiet, warn: (message) => io.stderr(`${message}\n`), error: quiet },
  });
}

/**
 * A GitHub client from GITHUB_TOKEN, the configuration in force (live when configured, with the
 * deployment's settings over it, as in the app), and the executor plans go through (writing
 * nothing when `dryRun`).
 */
export async function tokenClient(shipped: TriageConfig, io: TokenIo, dryRun = false) {
  const token = io.env.GITHUB_TOKEN;
  if (!token) return undefined;
  const log: Logger = {
    info: () => undefined,
    warn: (obj, msg) => io.stderr(`${JSON.stringify({ level: "warn", msg, ...obj })}\n`),
    error: (obj, msg) => io.stderr(`${JSON.stringify({ level: "error", msg, ...obj })}\n`),
  };
  const github = gitHubClient(cliOctokit(token, io), { log });
  const executor: ExecutorFor = (gh, ref, context) =>
    new Executor(gh, ref, {
      dryRun,
      log: context.log,
      labelStyle: (name) => labelStyle(name, context.policy),
    });
  const read = readDeployment(io.env);
  const deployment: Partial<Deployment> = read.ok ? read.settings : {};
  const store = new ConfigStore(shipped, log, (policy) => withDeployment(policy, deployment));
  const live = await store.get(github, "cli");
  // A token (a person's, a workflow's) cannot ask GitHub which App it is: APP_SLUG says it.
  const appLogin = botLogin(deployment.APP_SLUG ?? DEFAULT_APP_SLUG);
  return {
    github,
    live,
    store,
    log,
    appLogin,
    appLoginAssumed: !deployment.APP_SLUG,
    executor,
  };
}

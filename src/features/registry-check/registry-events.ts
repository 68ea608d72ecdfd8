// The registry check: a "Tier registry" check run on every pull request that touches the
// registry (queued, run in its turn), and a reload when a change lands on the default branch.
import type { Context } from "probot";
import type { Feature, FeatureDeps, Queued } from "../feature.js";
import type { RegistryCheckTask } from "../tasks.js";
import { readRepoFile, type FileRead } from "../../github/repo-files.js";
import { gitHubClient } from "../../github/client.js";
import { changedFiles, listIssues } from "../../github/issue-api.js";
import type { GitHub } from "../../github/client-types.js";
import { affectedRequests, type OpenRequest } from "./affected.js";
import { checkReport } from "./check-report.js";
import { diffConfigs } from "./diff.js";
import type { RegistrySource } from "../../registry/policy.js";
import { validateWithForm } from "../../form/drift.js";
import { validateConfig, type ConfigFile } from "../../registry/validate.js";
import { watchedRepos, type TriageConfig } from "../../registry/triage-config.js";

type PullEvent = "pull_request.opened" | "pull_request.synchronize" | "pull_request.reopened";

const sourcePaths = (s: RegistrySource) => [s.registry, s.policy, s.tiers, s.signals, s.form];

async function readAt(
  github: GitHub,
  full: string,
  path: string,
  ref: string,
): Promise<ConfigFile> {
  const [owner, repo] = full.split("/") as [string, string];
  return asConfigFile(path, await readRepoFile(github, { owner, repo, path, ref }));
}

/** A deleted file is validated as an empty one: the problem then says what is missing. */
function asConfigFile(path: string, read: FileRead): ConfigFile {
  if (read.status === "too-large") return { path, text: "", tooLarge: read.bytes };
  return { path, text: read.status === "ok" ? read.text : "" };
}

/** The policy's files at a commit: policy.yml, and tiers.yml and signals.yml where present. */
async function policyAt(
  github: GitHub,
  full: string,
  source: RegistrySource,
  ref: string,
): Promise<ConfigFile[]> {
  const [owner, repo] = full.split("/") as [string, string];
  const parts = await Promise.all(
    [source.tiers, source.signals].map((path) => readRepoFile(github, { owner, repo, path, ref })),
  );
  const present = parts.flatMap((read, i) =>
    read.status === "missing" ? [] : [asConfigFile([source.tiers, source.signals][i]!, read)],
  );
  return [await readAt(github, full, source.policy, ref), ...present];
}

/** Open requests in the pipe, as the issues list returns them (pull requests left out). */
async function openPipeRequests(github: GitHub, config: TriageConfig): Promise<OpenRequest[]> {
  const requests: OpenRequest[] = [];
  for (const full of watchedRepos(config)) {
    const issues = await listIssues(github, full, {
      state: "open",
      labels: config.policy.labels.pipe,
    });
    for (const i of issues) {
      requests.push({
        repo: full,
        number: i.number,
        title: i.title,
        body: i.body ?? "",
        labels: i.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
        url: i.html_url,
      });
    }
  }
  return requests;
}

/** A pull request on the registry repository becomes a check to run in its turn. */
async function receivePull(
  context: Context<PullEvent>,
  deps: FeatureDeps,
): Promise<Queued | undefined> {
  const { payload } = context;
  const source = deps.store.source;
  const full = payload.repository.full_name;
  if (!source.repo || source.repo.toLowerCase() !== full.toLowerCase()) return undefined;
  const pr = payload.pull_request;
  const task: RegistryCheckTask = {
    kind: "registry-check",
    deliveryId: context.id,
    repo: full,
    number: pr.number,
    installation: String(payload.installation?.id ?? "none"),
    head: pr.head.sha,
    base: pr.base.sha,
  };
  return { task, urgent: false };
}

/** The check run on the pull request's head: what the change means, or what to fix. */
async function runCheck(
  task: RegistryCheckTask,
  deps: FeatureDeps,
  octokit: unknown,
): Promise<string | undefined> {
  const { store, log } = deps;
  const github = gitHubClient(octokit, { log });
  const { config } = await store.get(github, task.installation);
  const source = store.source;
  const full = task.repo;
  const touched = new Set(await changedFiles(github, full, task.number));
  if (!sourcePaths(source).some((p) => touched.has(p))) return undefined;

  const [registry, form, policy] = await Promise.all([
    readAt(github, full, source.registry, task.head),
    readAt(github, full, source.form, task.head),
    policyAt(github, full, source, task.head),
  ]);
  const proposed = validateWithForm({ registry, policy, form });
  let diff;
  let affected;
  if (proposed.config) {
    const [oldRegistry, oldPolicy] = await Promise.all([
      readAt(github, full, source.registry, task.base),
      policyAt(github, full, source, task.base),
    ]);
    const base = validateConfig({ registry: oldRegistry, policy: oldPolicy }).config ?? config;
    diff = diffConfigs(base, proposed.config);
    affected = affectedRequests(await openPipeRequests(github, base), base, proposed.config);
  }
  const report = checkReport(proposed.problems, diff, affected);
  const [owner, repo] = full.split("/") as [string, string];
  const act = deps.executor(github, undefined, { log, policy: config.policy });
  await act.checkRun({ owner, repo }, task.head, report);
  log.info(
    {
      pull: `${full}#${task.number}`,
      conclusion: report.conclusion,
      problems: proposed.problems.length,
    },
    "tier registry checked",
  );
  return `Tier registry check: ${report.conclusion}`;
}

/** A change landed on the registry's default branch: the live registry is read again at once. */
async function reloadOnPush(context: Context<"push">, deps: FeatureDeps): Promise<undefined> {
  const { payload } = context;
  const { store } = deps;
  const source = store.source;
  if (!source.repo || source.repo.toLowerCase() !== payload.repository.full_name.toLowerCase())
    return undefined;
  if (payload.ref !== `refs/heads/${payload.repository.default_branch}`) return undefined;
  const changed = new Set(
    payload.commits.flatMap((c) => [
      ...(c.added ?? []),
      ...(c.modified ?? []),
      ...(c.removed ?? []),
    ]),
  );
  if (![source.registry, source.policy, source.tiers, source.signals].some((p) => changed.has(p)))
    return undefined;
  const installation = String(payload.installation?.id ?? "none");
  const github = gitHubClient(context.octokit, { log: context.log });
  await store.get(github, installation, true);
  return undefined;
}

export const registryCheck: Feature = {
  name: "registry check",
  receivers: [
    {
      events: ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"],
      receive: (context, deps) => receivePull(context as Context<PullEvent>, deps),
    },
    {
      events: ["push"],
      receive: (context, deps) => reloadOnPush(context as Context<"push">, deps),
    },
  ],
  runs: { "registry-check": runCheck },
};

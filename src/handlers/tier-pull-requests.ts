// pull_request.closed on the registry repository: a registry pull request that a tier decision
// opened closes its application or review when merged, or sets the approval aside when closed
// without merging; inside the issue's lock.
import type { Context } from "probot";
import type { Coordinator } from "../coordination/types.js";
import { gitHubClient } from "../github/client.js";
import type { ConfigStore } from "../github/live-config.js";
import { readPullLink } from "../tiers/comment.js";
import { followRegistryPull } from "../usecase/tier-application.js";
import { issueKey } from "../usecase/issue-job.js";

export async function followTierPullRequest(
  context: Context<"pull_request.closed">,
  store: ConfigStore,
  deps: { dryRun: boolean; coordinator: Coordinator; appLogin: () => Promise<string> },
): Promise<void> {
  const { payload } = context;
  const pr = payload.pull_request;
  const source = store.source;
  if (!source.repo) return;
  const appLogin = await deps.appLogin();
  // The app closes a registry pull request itself only on a decline, which records that: its own
  // close without merging is not a person setting the approval aside.
  if (!pr.merged && payload.sender?.login === appLogin) return;
  if (source.repo.toLowerCase() !== payload.repository.full_name.toLowerCase()) return;
  // Only a merge into the default branch changes the registry in force.
  if (pr.base.ref !== payload.repository.default_branch) return;
  // Most pull requests are not the app's: known before any request.
  const link = readPullLink(pr.body ?? "");
  if (!link) return;
  const github = gitHubClient(context.octokit, { log: context.log, dryRun: deps.dryRun });
  const installation = String(payload.installation?.id ?? "none");
  const { config } = await store.get(github, installation);
  const pull = {
    repo: payload.repository.full_name,
    number: pr.number,
    body: pr.body ?? "",
    merged: pr.merged === true,
  };
  await deps.coordinator.withLock(`issue:${issueKey(link.repo, link.number)}`, () =>
    followRegistryPull(github, pull, config, appLogin, context.log),
  );
}

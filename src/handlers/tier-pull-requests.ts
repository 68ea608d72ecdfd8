// pull_request.closed on the registry repository: a registry pull request that a tier decision
// opened closes its application or review when merged, or sets the approval aside when closed
// without merging; inside the issue's lock.
import type { Context } from "probot";
import type { ConfigStore } from "../github/live-config.js";
import { readPullLink } from "../tiers/comment.js";
import { followRegistryPull } from "../usecase/tier-application.js";
import { issueJobFor, issueKey, type AppDeps } from "../usecase/issue-job.js";

export async function followTierPullRequest(
  context: Context<"pull_request.closed">,
  store: ConfigStore,
  deps: AppDeps,
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
  const pull = {
    repo: payload.repository.full_name,
    number: pr.number,
    body: pr.body ?? "",
    merged: pr.merged === true,
  };
  // The work is the linked issue's: its job, inside its lock.
  const place = {
    octokit: context.octokit,
    log: context.log,
    deliveryId: context.id,
    repo: link.repo,
    number: link.number,
    installation: String(payload.installation?.id ?? "none"),
  };
  const job = await issueJobFor(place, deps);
  if (!job) return;
  await deps.coordinator.withLock(`issue:${issueKey(link.repo, link.number)}`, () =>
    followRegistryPull(job, pull),
  );
}

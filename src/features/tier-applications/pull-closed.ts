// Tier applications: a registry pull request that a tier decision opened, closed on the registry
// repository, becomes work on the application it names: merged, the application is closed with
// a note; closed without merging, the approval is set aside (usecase/tier-application.ts).
import type { Context } from "probot";
import { readPullLink } from "../../tiers/comment.js";
import { followRegistryPull } from "../../usecase/tier-application.js";
import { issueJobFor, placeFor } from "../../usecase/issue-job.js";
import type { Feature, FeatureDeps, Queued } from "../feature.js";
import type { PullClosedTask } from "../tasks.js";

async function receive(
  context: Context<"pull_request.closed">,
  deps: FeatureDeps,
): Promise<Queued | undefined> {
  const { payload } = context;
  const pr = payload.pull_request;
  const source = deps.store.source;
  if (!source.repo || source.repo.toLowerCase() !== payload.repository.full_name.toLowerCase())
    return undefined;
  // The app closes a registry pull request itself only on a decline, which records that: its own
  // close without merging is not a person setting the approval aside.
  if (!pr.merged && payload.sender?.login === (await deps.appLogin())) return undefined;
  // Only a merge into the default branch changes the registry in force.
  if (pr.base.ref !== payload.repository.default_branch) return undefined;
  // Most pull requests are not the app's: known before any request.
  const link = readPullLink(pr.body ?? "");
  if (!link) return undefined;
  const task: PullClosedTask = {
    kind: "pull-closed",
    deliveryId: context.id,
    repo: link.repo,
    number: link.number,
    installation: String(payload.installation?.id ?? "none"),
    pull: {
      repo: payload.repository.full_name,
      number: pr.number,
      body: pr.body ?? "",
      merged: pr.merged === true,
    },
  };
  return { task, urgent: false };
}

export const tierApplications: Feature = {
  name: "tier applications",
  receivers: [
    {
      events: ["pull_request.closed"],
      receive: (context, deps) => receive(context as Context<"pull_request.closed">, deps),
    },
  ],
  runs: {
    "pull-closed": async (task, deps, octokit) => {
      const job = await issueJobFor(placeFor(task, octokit, deps.log), deps);
      if (!job) return;
      const followed = await followRegistryPull(job, task.pull);
      return followed
        ? `registry pull request ${task.pull.repo}#${task.pull.number} followed`
        : undefined;
    },
  },
};

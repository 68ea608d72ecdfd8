// Commands: issue_comment.created with slash commands becomes queued work; in its turn the use
// case (usecase/command-comment.ts) checks who may, applies them and acknowledges.
import type { Context } from "probot";
import { parseCommands, writtenByBot, type ParsedComment } from "../../commands/parse.js";
import { handleCommandComment } from "../../usecase/command-comment.js";
import {
  issueJobFor,
  placeFor,
  placeOf,
  slimIssue,
  type IssueData,
} from "../../usecase/issue-job.js";
import type { Feature, FeatureDeps, Queued } from "../feature.js";
import type { CommandTask } from "../tasks.js";

/** A `/severity S0` goes ahead of the queue. */
function urgent(parsed: ParsedComment): boolean {
  return parsed.commands.some((c) => c.name === "severity" && "value" in c && c.value === "S0");
}

async function receive(
  context: Context<"issue_comment.created">,
  deps: FeatureDeps,
): Promise<Queued | undefined> {
  const { payload } = context;
  if (writtenByBot(payload.comment.user) || payload.issue.pull_request) return undefined;
  const parsed = parseCommands(payload.comment.body ?? "");
  if (!parsed.commands.length && !parsed.problems.length) return undefined; // an ordinary comment
  const place = placeOf(context);
  if (!(await issueJobFor(place, deps))) return undefined; // not a watched repository
  const task: CommandTask = {
    kind: "commands",
    deliveryId: place.deliveryId,
    repo: place.repo,
    number: place.number,
    installation: place.installation,
    comment: {
      id: payload.comment.id,
      body: payload.comment.body ?? "",
      login: payload.comment.user?.login ?? "",
      createdAt: payload.comment.created_at,
    },
    issue: slimIssue(payload.issue as IssueData),
  };
  return { task, urgent: urgent(parsed) };
}

export const commands: Feature = {
  name: "commands",
  receivers: [
    {
      events: ["issue_comment.created"],
      receive: (context, deps) => receive(context as Context<"issue_comment.created">, deps),
    },
  ],
  runs: {
    commands: async (task, deps, octokit) => {
      const job = await issueJobFor(placeFor(task, octokit, deps.log), deps);
      if (!job) return;
      const ran = await handleCommandComment(job, task.comment, task.issue);
      return ran ? `commands of comment ${task.comment.id} answered` : undefined;
    },
  },
};

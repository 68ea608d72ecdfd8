// issue_comment.created: slash commands, queued like issue events; in their turn the use case
// (usecase/command-comment.ts) checks who may, applies them and acknowledges.
import type { Context } from "probot";
import { parseCommands, writtenByBot, type ParsedComment } from "../commands/parse.js";
import { handleCommandComment } from "../usecase/command-comment.js";
import { issueJobFor, placeOf, type IssueData, type IssueJob } from "../usecase/issue-job.js";
import { slimIssue } from "./issue-events.js";
import { itemFor, submit, type CommandTask, type RunItem, type WorkDeps } from "./work-items.js";

/** A `/severity S0` goes ahead of the queue. */
function urgent(parsed: ParsedComment): boolean {
  return parsed.commands.some((c) => c.name === "severity" && "value" in c && c.value === "S0");
}

export async function queueCommandComment(
  context: Context<"issue_comment.created">,
  deps: WorkDeps,
  run: RunItem,
): Promise<void> {
  const { payload } = context;
  if (writtenByBot(payload.comment.user) || payload.issue.pull_request) return;
  const parsed = parseCommands(payload.comment.body ?? "");
  if (!parsed.commands.length && !parsed.problems.length) return; // an ordinary comment
  const place = placeOf(context);
  const job = await issueJobFor(place, deps);
  if (!job) return;
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
  await submit(itemFor(task, urgent(parsed)), deps, run, context.octokit);
}

/** The queued command comment's turn (the issue's lock is held). */
export async function runCommandTask(job: IssueJob, task: CommandTask): Promise<void> {
  await handleCommandComment(job, task.comment, task.issue);
}

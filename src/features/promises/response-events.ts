// What counts as a first response to a request with a promise, as GitHub delivers it: a comment
// by someone other than the requester (a comment with commands is the commands' turn, which
// records it too), an assignment made by a person, and a person moving the card out of Ready or
// Emergency. Each becomes queued work on its issue; in its turn the clock is stopped if it runs.
import type { Context } from "probot";
import { parseCommands, writtenByBot } from "../../commands/parse.js";
import { gitHubClient } from "../../github/client.js";
import { issueOfNode } from "../../github/issue-api.js";
import type { Policy } from "../../registry/policy.js";
import { sameName } from "../../triage/card.js";
import { issueJobFor, labelNames, placeOf, type IssueData } from "../../usecase/issue-job.js";
import type { FeatureDeps, Queued, Receiver } from "../feature.js";
import type { ResponseTask } from "../tasks.js";

type Answer = Pick<ResponseTask, "by" | "at" | "via">;

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** Only an open request in the pipe that was not turned down can have a promise running. */
function mayHavePromise(issue: IssueData, policy: Policy): boolean {
  const labels = labelNames(issue);
  return (
    issue.state !== "closed" &&
    labels.includes(policy.labels.pipe) &&
    !labels.includes(policy.labels.not_covered)
  );
}

/** The task for an answer on an issue of a watched repository that may have a promise. */
async function answerOn(
  deps: FeatureDeps,
  place: ReturnType<typeof placeOf>,
  issue: IssueData,
  answer: Answer,
): Promise<Queued | undefined> {
  const job = await issueJobFor(place, deps);
  if (!job || !mayHavePromise(issue, job.config.policy)) return undefined;
  const { deliveryId, repo, number, installation } = place;
  const task: ResponseTask = {
    kind: "response",
    deliveryId,
    repo,
    number,
    installation,
    ...answer,
  };
  return { task, urgent: false };
}

async function commented(context: Context<"issue_comment.created">, deps: FeatureDeps) {
  const { comment, issue } = context.payload;
  if (writtenByBot(comment.user) || issue.pull_request) return undefined;
  const parsed = parseCommands(comment.body ?? "");
  if (parsed.commands.length || parsed.problems.length) return undefined;
  const by = comment.user?.login;
  if (!by || same(by, issue.user?.login)) return undefined; // the requester's own words
  const answer: Answer = { by, at: comment.created_at, via: "comment" };
  return answerOn(deps, placeOf(context), issue as IssueData, answer);
}

async function assigned(context: Context<"issues.assigned">, deps: FeatureDeps) {
  const { sender, issue } = context.payload;
  if (writtenByBot(sender) || same(sender.login, issue.user?.login)) return undefined;
  const answer: Answer = { by: sender.login, at: issue.updated_at, via: "assignment" };
  return answerOn(deps, placeOf(context), issue as IssueData, answer);
}

interface FieldChange {
  field_name?: string;
  project_number?: number;
  from?: unknown;
  to?: unknown;
}

const optionName = (value: unknown) =>
  value && typeof value === "object" && "name" in value ? String(value.name) : undefined;

/** A status change on the pipe board that takes a card out of Ready or Emergency. */
function leavesTheQueue(
  change: FieldChange | undefined,
  owner: string | undefined,
  policy: Policy,
): boolean {
  const board = policy.board;
  if (!board?.number || !change || !sameName(change.field_name, board.status_field)) return false;
  if (owner !== undefined && !same(owner, board.owner)) return false; // another organisation's
  if (change.project_number !== undefined && change.project_number !== board.number) return false;
  const waiting = [board.columns.ready, board.columns.emergency];
  const from = optionName(change.from);
  const to = optionName(change.to);
  return waiting.some((c) => sameName(c, from)) && !waiting.some((c) => sameName(c, to));
}

async function cardMoved(context: Context<"projects_v2_item.edited">, deps: FeatureDeps) {
  const { payload } = context;
  const item = payload.projects_v2_item;
  if (writtenByBot(payload.sender) || item.content_type !== "Issue") return undefined;
  const installation = String(payload.installation?.id ?? "none");
  const github = gitHubClient(context.octokit, { log: context.log });
  const { config } = await deps.config(github, installation);
  const change = (payload.changes as { field_value?: FieldChange } | undefined)?.field_value;
  if (!leavesTheQueue(change, payload.organization?.login, config.policy)) return undefined;
  const issue = await issueOfNode(github, item.content_node_id);
  if (!issue) return undefined;
  // The payload has no labels: a watched repository is enough; the turn reads the issue.
  const place = { ...issue, installation, deliveryId: context.id, octokit: context.octokit };
  if (!(await issueJobFor({ ...place, log: context.log }, deps))) return undefined;
  const answer: Answer = { by: payload.sender.login, at: item.updated_at, via: "card" };
  const task: ResponseTask = {
    kind: "response",
    ...issue,
    installation,
    deliveryId: context.id,
    ...answer,
  };
  return { task, urgent: false };
}

export const RESPONSE_RECEIVERS: readonly Receiver[] = [
  {
    events: ["issue_comment.created"],
    receive: (context, deps) => commented(context as Context<"issue_comment.created">, deps),
  },
  {
    events: ["issues.assigned"],
    receive: (context, deps) => assigned(context as Context<"issues.assigned">, deps),
  },
  {
    events: ["projects_v2_item.edited"],
    receive: (context, deps) => cardMoved(context as Context<"projects_v2_item.edited">, deps),
  },
];

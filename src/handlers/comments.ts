// issue_comment.created: slash commands. Check who may, apply to the recorded state, decide and
// apply again exactly as for a new issue, then acknowledge with a reaction (and a reply when
// something was refused or not understood, or /help was asked).
import type { Context } from "probot";
import { applyCommands, type CommandOutcome } from "../commands/apply.js";
import { parseCommands } from "../commands/parse.js";
import { needsPermissionLookup, type Actor } from "../commands/who-may.js";
import { reactionsFor, renderReply } from "../commands/reply.js";
import { findBotComment } from "../github/bot-comment.js";
import { createComment, reactToComment, readIssue } from "../github/issue-api.js";
import { isMaintainer } from "../github/repo-access.js";

import { decide } from "../triage/decide.js";
import { decodeState } from "../triage/state.js";
import {
  decideAndApply,
  issueJobFor,
  oneAtATime,
  labelNames,
  toInput,
  type AppDeps,
  type IssueData,
  type IssueJob,
} from "../usecase/triage-issue.js";

type Payload = Context<"issue_comment.created">["payload"];

/** Bots (this app included) never command the app: no loops, no automation surprises. */
function fromBot(payload: Payload): boolean {
  const user = payload.comment.user;
  return user?.type === "Bot" || (user?.login ?? "").endsWith("[bot]");
}

export async function handleCommandComment(
  context: Context<"issue_comment.created">,
  deps: AppDeps,
): Promise<void> {
  const { payload } = context;
  if (fromBot(payload) || payload.issue.pull_request) return;
  const parsed = parseCommands(payload.comment.body ?? "");
  if (!parsed.commands.length && !parsed.problems.length) return; // an ordinary comment
  const job = await issueJobFor(context, deps);
  if (!job) return;
  await oneAtATime(job, () => runCommands(job, payload, parsed));
}

async function runCommands(
  job: IssueJob,
  payload: Payload,
  parsed: ReturnType<typeof parseCommands>,
): Promise<void> {
  const { github, ref, config } = job;
  const commentId = payload.comment.id;
  const login = payload.comment.user?.login ?? "";
  const botComment = await findBotComment(github, ref);
  const previous = botComment ? decodeState(botComment.body) : undefined;
  if (previous?.seen?.includes(commentId) || previous?.deliveries?.includes(job.deliveryId)) {
    job.log.info({ comment: commentId }, "commands already handled (re-delivery)");
    return;
  }
  // The payload's issue is as old as the comment; once the app has written, read it fresh.
  const issue: IssueData = botComment ? await readIssue(github, ref) : (payload.issue as IssueData);
  const labels = labelNames(issue);
  const now = decide(
    toInput(job.repo, ref.issue_number, issue, { labels, previous }),
    config.registry,
    config.policy,
  );
  const context = {
    scope: { author: issue.user?.login, instances: now.instances, outcome: now.outcome },
    previous,
    labels,
    registry: config.registry,
    policy: config.policy,
  };
  const run = (actor: Actor) =>
    applyCommands(parsed.commands, parsed.problems, { ...context, actor });
  // Managers and authors need no look-up; ask GitHub about write access only when it matters.
  let outcome: CommandOutcome = run({ login, maintainer: false });
  if (
    outcome.results.some((r) => r.status === "refused") &&
    needsPermissionLookup(parsed.commands)
  ) {
    const where = { installation: job.installation, owner: ref.owner, repo: ref.repo };
    const maintainer = await isMaintainer(
      github,
      where,
      login,
      config.policy.commands.maintainer_team,
      job.log,
    );
    if (maintainer) outcome = run({ login, maintainer });
  }
  await decideAndApply(
    job,
    issue,
    { labels: outcome.labels, comment: botComment, previous: outcome.state },
    { displace: outcome.displace, seenComment: commentId },
  );
  await acknowledge(job, commentId, login, outcome);
}

async function acknowledge(
  job: IssueJob,
  commentId: number,
  login: string,
  outcome: CommandOutcome,
): Promise<void> {
  const { github, ref } = job;
  job.log.info(
    {
      issue: `${job.repo}#${ref.issue_number}`,
      comment: commentId,
      by: login,
      results: outcome.results.map((r) => `${r.what}: ${r.status}`),
    },
    "commands handled",
  );
  if (job.dryRun) return;
  for (const content of reactionsFor(outcome.results)) {
    await reactToComment(github, ref, commentId, content);
  }
  const reply = renderReply(outcome.results, outcome.help, login);
  if (reply) await createComment(github, ref, reply);
}

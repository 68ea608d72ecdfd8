// issue_comment.created: slash commands, queued like issue events. In their turn: check who may, apply to the recorded state, decide and
// apply again exactly as for a new issue, then acknowledge with a reaction (and a reply when
// something was refused or not understood, or /help was asked).
import type { Context } from "probot";
import { applyCommands, type CommandOutcome } from "../commands/apply.js";
import { parseCommands, type ParsedComment } from "../commands/parse.js";
import { needsPermissionLookup, teamsToAsk, type Actor } from "../commands/who-may.js";
import { reactionsFor, renderReply } from "../commands/reply.js";
import { findBotComment } from "../github/bot-comment.js";
import { createComment, reactToComment, readIssue } from "../github/issue-api.js";
import { isMaintainer, isTeamMember } from "../github/repo-access.js";

import { decide } from "../triage/decide.js";
import { decodeState } from "../triage/state.js";
import {
  decideAndApply,
  issueJobFor,
  labelNames,
  placeOf,
  toInput,
  withHourCaps,
  type IssueData,
  type IssueJob,
} from "../usecase/triage-issue.js";
import { applyJobChanges } from "../usecase/job-writes.js";
import { tierScope } from "../usecase/tier-application.js";
import { slimIssue } from "./issue-events.js";
import { itemFor, submit, type CommandTask, type RunItem, type WorkDeps } from "./work-items.js";

type Payload = Context<"issue_comment.created">["payload"];

/** Bots (this app included) never command the app: no loops, no automation surprises. */
function fromBot(payload: Payload): boolean {
  const user = payload.comment.user;
  return user?.type === "Bot" || (user?.login ?? "").endsWith("[bot]");
}

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
  if (fromBot(payload) || payload.issue.pull_request) return;
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
    },
    issue: slimIssue(payload.issue as IssueData),
  };
  await submit(itemFor(task, urgent(parsed)), deps, run, context.octokit);
}

/** The queued command comment's turn (the issue's lock is held). */
export async function runCommandTask(job: IssueJob, task: CommandTask): Promise<void> {
  const { github, ref, config } = job;
  const commentId = task.comment.id;
  const login = task.comment.login;
  const parsed = parseCommands(task.comment.body);
  const botComment = await findBotComment(github, ref);
  const previous = botComment ? decodeState(botComment.body) : undefined;
  if (previous?.seen?.includes(commentId) || previous?.deliveries?.includes(job.deliveryId)) {
    job.log.info({ comment: commentId }, "commands already handled (re-delivery)");
    return;
  }
  // The payload's issue is as old as the comment; once the app has written, read it fresh.
  const issue: IssueData = botComment ? await readIssue(github, ref) : task.issue;
  const labels = labelNames(issue);
  // The scope commands are judged in is the decision as applied: hour caps included.
  const now = await withHourCaps(
    job,
    decide(
      toInput(job.repo, ref.issue_number, issue, { labels, previous }),
      config.registry,
      config.policy,
    ),
    previous,
  );
  const context = {
    scope: {
      author: issue.user?.login,
      instances: now.instances,
      outcome: now.outcome,
      taker: now.job?.taker,
      tier: tierScope(issue, labels, config),
    },
    previous,
    labels,
    registry: config.registry,
    policy: config.policy,
    now: new Date().toISOString(),
  };
  const run = (actor: Actor) =>
    applyCommands(parsed.commands, parsed.problems, { ...context, actor });
  // Managers and authors need no look-up; ask GitHub about write access and teams only when
  // it matters.
  let outcome: CommandOutcome = run({ login, maintainer: false });
  if (
    outcome.results.some((r) => r.status === "refused") &&
    needsPermissionLookup(parsed.commands)
  ) {
    outcome = run(await lookUpActor(job, login, teamsToAsk(parsed.commands)));
  }
  // Reactions and the reply first: if a write below fails, the retry must not find the comment
  // recorded as handled while its author was never answered (a rare second reply is better).
  await acknowledge(job, commentId, login, outcome);
  // The job's assignee and a delivered job's closing, before the comment records them.
  const jobBefore = previous?.commanded?.job;
  const jobAfter = outcome.state.commanded?.job;
  const current = await applyJobChanges(job, issue, jobBefore, jobAfter);
  await decideAndApply(
    job,
    current,
    { labels: outcome.labels, comment: botComment, previous: outcome.state },
    { displace: outcome.displace, seenComment: commentId },
  );
}

/** What GitHub says about the person: write access (or the maintainers' team), and the teams
 * the commands' rights depend on. */
async function lookUpActor(
  job: IssueJob,
  login: string,
  teams: { circle: boolean; developer: boolean },
): Promise<Actor> {
  const { github, ref, config, installation, log } = job;
  const where = { installation, owner: ref.owner, repo: ref.repo };
  const team = (name: string | null) => isTeamMember(github, installation, name, login, log);
  return {
    login,
    maintainer: await isMaintainer(
      github,
      where,
      login,
      config.policy.commands.maintainer_team,
      log,
    ),
    circle: teams.circle && (await team(config.policy.reports.circle_team)),
    developer: teams.developer && (await team(config.policy.jobs.developers)),
  };
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

// A command comment in its turn (the issue's lock is held): check who may, apply to the recorded
// state, decide and apply again exactly as for a new issue, and acknowledge with a reaction (and
// a reply when something was refused or not understood, or /help was asked). Used for a queued
// delivery and by the sweep for a command comment whose delivery was lost.
import { applyCommands, type CommandOutcome } from "../commands/apply.js";
import { parseCommands } from "../commands/parse.js";
import { needsPermissionLookup, teamsToAsk, type Actor } from "../commands/who-may.js";
import { reactionsFor, renderReply } from "../commands/reply.js";
import { readIssue } from "../github/issue-api.js";
import { isMaintainer, isTeamMember } from "../github/repo-access.js";
import { decide } from "../triage/decide.js";
import { decodeState } from "../triage/state.js";
import type { RecordedState } from "../triage/types.js";
import { promiseOutcome, respond } from "../triage/response-clock.js";
import { countFirstResponse } from "../metrics/metrics.js";
import { applyJobChanges } from "./job-writes.js";
import { tierScope } from "./tier-application.js";
import { handleIssue } from "./issue-turn.js";
import { withHourCaps } from "./triage-issue.js";
import { labelNames, toInput, type IssueData, type IssueJob, botCommentOf } from "./issue-job.js";

/** A person's comment with commands in it. */
export interface CommandComment {
  id: number;
  body: string;
  login: string;
  /** When it was written, where that is not now (a comment the sweep answers late). */
  writtenAt?: string;
  /** When GitHub says it was written: the day an approval records, the same on every retry. */
  createdAt?: string;
}

/**
 * Handle one command comment, unless the bot comment records it as handled already; says
 * whether it ran. `asSent`: the issue as the delivery carried it, used while the app has
 * written nothing on the issue.
 */
export async function handleCommandComment(
  job: IssueJob,
  comment: CommandComment,
  asSent?: IssueData,
): Promise<boolean> {
  const { github, ref, config } = job;
  const commentId = comment.id;
  const login = comment.login;
  const parsed = parseCommands(comment.body);
  const botComment = await botCommentOf(job);
  const previous = botComment ? decodeState(botComment.body) : undefined;
  if (previous?.seen?.includes(commentId) || previous?.deliveries?.includes(job.deliveryId)) {
    job.log.info({ comment: commentId }, "commands already handled (re-delivery)");
    return false;
  }
  // The payload's issue is as old as the comment; once the app has written, read it fresh.
  const issue: IssueData = botComment || !asSent ? await readIssue(github, ref) : asSent;
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
      // An approval binds the issue as the delivery carried it: what the approver saw.
      tier: tierScope(issue, labels, config, asSent),
    },
    previous,
    labels,
    registry: config.registry,
    policy: config.policy,
    // The comment's own time: the same on every retry, and the date its time entries carry.
    now: comment.createdAt ?? comment.writtenAt ?? new Date().toISOString(),
    comment: commentId,
    writtenOn: (comment.createdAt ?? comment.writtenAt)?.slice(0, 10),
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
  const state = answeredBy(job, outcome.state, login, issue, comment);
  // Reactions and the reply first: if a write below fails, the retry must not find the comment
  // recorded as handled while its author was never answered (a rare second reply is better).
  await acknowledge(job, commentId, login, outcome);
  // The job's assignee and a delivered job's closing, before the comment records them.
  const jobBefore = previous?.commanded?.job;
  const jobAfter = state.commanded?.job;
  const current = await applyJobChanges(job, issue, jobBefore, jobAfter, state);
  await handleIssue(
    job,
    current,
    { labels: outcome.labels, comment: botComment, previous: state },
    { displace: outcome.displace, seenComment: commentId },
  );
  return true;
}

/** A person's command comment is a response too: it stops a running promise's clock when its
 * writer is not the requester (respond decides who counts). */
function answeredBy(
  job: IssueJob,
  state: RecordedState,
  login: string,
  issue: IssueData,
  comment: CommandComment,
): RecordedState {
  const clock = state.response;
  if (!clock || clock.respondedAt) return state;
  const at = new Date(Date.parse(comment.createdAt ?? comment.writtenAt ?? "") || job.clock.now());
  const answered = respond(clock, login, at, issue.user?.login, job.appLogin);
  if (answered === clock) return state;
  countFirstResponse(promiseOutcome(answered, at));
  return { ...state, response: answered };
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
  job.log.info(
    {
      issue: `${job.repo}#${job.ref.issue_number}`,
      comment: commentId,
      by: login,
      results: outcome.results.map((r) => `${r.what}: ${r.status}`),
    },
    "commands handled",
  );
  const reply = renderReply(outcome.results, outcome.help, login);
  await job.act.apply([
    ...reactionsFor(outcome.results).map((content) => ({
      kind: "reaction" as const,
      comment: commentId,
      content,
    })),
    ...(reply ? [{ kind: "note" as const, body: reply }] : []),
  ]);
}

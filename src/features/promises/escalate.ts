// An S0's promise running out, in its turn (the issue's lease held): the steps now due (half the
// time, all of it) that no replica has taken yet are claimed, announced once on the issue and in
// the chat (a replica that slept through both says only the later), and recorded in the bot
// comment's state. The claim holds across replicas with Redis; the state holds across restarts.
import { readIssue } from "../../github/issue-api.js";
import { countEscalation } from "../../metrics/metrics.js";
import { instanceOf } from "../../registry/schema.js";
import { displayName } from "../../triage/coverage.js";
import { decide } from "../../triage/decide.js";
import {
  escalationsDue,
  withEscalated,
  type EscalationStep,
  type ResponseClock,
} from "../../triage/response-clock.js";
import { decodeState } from "../../triage/state.js";
import { handleIssue } from "../../usecase/issue-turn.js";
import {
  botCommentOf,
  issueKey,
  labelNames,
  toInput,
  type IssueData,
  type IssueJob,
} from "../../usecase/issue-job.js";
import { escalationTexts } from "./texts.js";

/** A step's claim outlives any promise the schema allows to be escalated. */
const CLAIM_SECONDS = 60 * 24 * 60 * 60;

const claimKey = (job: IssueJob, clock: ResponseClock, step: EscalationStep) =>
  `escalation:${issueKey(job.repo, job.ref.issue_number)}:${clock.startedAt}:${step}`;

/** The due steps this replica may announce: claimed now, or (one replica, no coordinator) all. */
async function claimSteps(job: IssueJob, clock: ResponseClock, due: EscalationStep[]) {
  const mine: EscalationStep[] = [];
  for (const step of due)
    if (
      !job.coordinator ||
      (await job.coordinator.claim(claimKey(job, clock, step), CLAIM_SECONDS))
    )
      mine.push(step);
  return mine;
}

/** What it did, in words; undefined when nothing was due. */
export async function escalateIfDue(job: IssueJob): Promise<string | undefined> {
  const comment = await botCommentOf(job);
  const previous = comment ? decodeState(comment.body) : undefined;
  const clock = previous?.response;
  const now = new Date(job.clock.now());
  const due = escalationsDue(clock, now);
  if (!previous || !clock || !due.length) return undefined;
  const issue = await readIssue(job.github, job.ref);
  if (issue.state === "closed") return undefined;
  const mine = await claimSteps(job, clock, due);
  const step = mine.at(-1);
  if (step) await announce(job, issue, clock, step, now, mine);
  const labels = labelNames(issue);
  const recorded = { ...previous, response: withEscalated(clock, due) };
  await handleIssue(job, issue, { labels, comment, previous: recorded });
  return step ? `S0 response promise escalated (${step})` : "escalation already sent elsewhere";
}

async function announce(
  job: IssueJob,
  issue: IssueData,
  clock: ResponseClock,
  step: EscalationStep,
  now: Date,
  claimed: EscalationStep[],
): Promise<void> {
  const { registry, policy } = job.config;
  const plan = decide(
    toInput(job.repo, job.ref.issue_number, issue, { labels: labelNames(issue) }),
    registry,
    policy,
  );
  const teams = [policy.alerts.s0_team, policy.alerts.escalation_team].filter(
    (t): t is string => !!t,
  );
  const texts = escalationTexts(
    step,
    clock,
    {
      teams,
      instances: plan.instances.map((c) => displayName(c, instanceOf(registry, c))),
      title: issue.title,
      url: issue.html_url ?? `https://github.com/${job.repo}/issues/${job.ref.issue_number}`,
    },
    now,
  );
  try {
    await job.act.apply([
      { kind: "note", body: texts.note },
      { kind: "chat", text: texts.chat },
    ]);
  } catch (error) {
    // Not announced: give the steps back, so the retry (here or on a replica) announces them.
    for (const s of claimed) await job.coordinator?.unclaim(claimKey(job, clock, s));
    throw error;
  }
  countEscalation(step);
  job.log.info(
    { issue: `${job.repo}#${job.ref.issue_number}`, step, due: clock.dueAt },
    "S0 response promise escalated",
  );
}

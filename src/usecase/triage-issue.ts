// A sysadmin request in its turn: decide from the issue and its recorded state, then make the
// labels, the bot comment and the board card match the plan.
import {
  clockFor,
  nextEscalationAt,
  strictestPromise,
  type ResponseClock,
} from "../triage/response-clock.js";
import { countDecision } from "../metrics/metrics.js";
import { mention } from "../markup/inert.js";
import {
  hasIssueWrites,
  labelsToAdd,
  requestWrites,
  type CurrentIssue,
} from "../triage/issue-writes.js";
import { alertsFor, withAlerted } from "../triage/alerts.js";
import { nextState, readDigest } from "../triage/state.js";
import { renderComment } from "../triage/comment-text.js";
import { decide } from "../triage/decide.js";
import { holdRejection } from "../triage/hold.js";
import { labelStyle } from "../triage/label-names.js";
import { applyHourCaps, cappedInstances } from "../triage/caps.js";
import { hoursUsed } from "../github/cap-usage.js";
import type { TriagePlan } from "../triage/types.js";
import { SEVERITIES, type Severity } from "../registry/vocabulary.js";
import { toInput, type ApplyOptions, type IssueData, type IssueJob } from "./issue-job.js";
import { timeTotals } from "../triage/time-log.js";

/** A new request that would take an instance over its tier's hour cap goes to the jobs board. */
export async function withHourCaps(
  job: IssueJob,
  plan: TriagePlan,
  previous: CurrentIssue["previous"],
): Promise<TriagePlan> {
  const { config } = job;
  // Only new requests are capped: one already accepted is never taken back by a later count.
  if (previous?.outcome === "accepted") return plan;
  const codes = cappedInstances(plan, config.registry, config.policy);
  if (!codes.length) return plan;
  const used = await hoursUsed(job.github, config, codes, {
    installation: job.installation,
    repo: job.repo,
    number: job.ref.issue_number,
    appLogin: job.appLogin,
  });
  return applyHourCaps(plan, used, config.registry, config.policy, previous?.commanded);
}

/** The severity the card was given at the last decision, when it has one. */
const cardSeverity = (previous: CurrentIssue["previous"]): Severity | undefined =>
  SEVERITIES.find((s) => s === previous?.board?.values?.severity);

/** Set the promise's next escalation step for its time; if that fails, the sweep finds it due. */
async function remindOfPromise(job: IssueJob, clock: ResponseClock | undefined): Promise<void> {
  const at = nextEscalationAt(clock);
  if (at === undefined || !job.remind) return;
  await job
    .remind(at)
    .catch((error: unknown) =>
      job.log.warn(
        { issue: `${job.repo}#${job.ref.issue_number}`, at: new Date(at), error: String(error) },
        "could not set the response promise's next step: the sweep will find it due",
      ),
    );
}

/** A sysadmin request: decide, then make GitHub match: labels, comment, board, alerts. */
export async function decideAndApply(
  job: IssueJob,
  issue: IssueData,
  current: CurrentIssue,
  options: ApplyOptions = {},
): Promise<TriagePlan> {
  const { ref, config, log } = job;
  const previous = current.previous;
  const decided = decide(
    toInput(job.repo, ref.issue_number, issue, current),
    config.registry,
    config.policy,
  );
  const capped = await withHourCaps(job, decided, previous);
  const plan = job.trusted ? capped : holdRejection(capped, config.policy);
  // The clock comes first: the card shows when its first response is due.
  const covering = plan.verdicts.filter((v) => v.covered).map((v) => v.tier);
  const response = clockFor(
    previous?.response,
    plan.outcome === "accepted",
    plan.severity,
    strictestPromise(covering, config.policy, plan.severity),
    new Date(job.clock.now()),
    { accepted: previous?.outcome === "accepted", severity: cardSeverity(previous) },
  );
  const board = await job.act.board({
    context: {
      config: config.policy.board,
      registry: config.registry,
      cacheKey: job.installation,
      ...(issue.node_id ? { issueId: issue.node_id } : {}),
      // A first filing adds the labels with the card: one spaced write fewer.
      labels: {
        names: labelsToAdd(plan.labels, current),
        style: (name) => labelStyle(name, config.policy),
      },
      log,
    },
    plan,
    state: issue.state === "closed" ? "closed" : "open",
    record: previous?.board,
    time: timeTotals(previous),
    response,
  });
  const link = {
    url: issue.html_url ?? `https://github.com/${job.repo}/issues/${ref.issue_number}`,
    title: issue.title,
  };
  const alerts = issue.state === "closed" ? [] : alertsFor(plan, previous, link, config.registry);
  const state = nextState(plan, current, {
    response: response ?? null,
    read: readDigest(issue, current.labels, previous?.applied),
    deliveryId: job.deliveryId,
    board: board.record,
    alerted: withAlerted(previous?.alerted, alerts),
    seenComment: options.seenComment,
  });
  const s0Team = config.policy.alerts.s0_team;
  const body = renderComment(plan, state, config.registry, {
    boardNote: board.note,
    s0Team,
    now: job.clock.now(),
  });
  const writes = requestWrites(plan, current, body, config.policy, options.displace);
  // A mention only notifies when a comment is created: an edited bot comment needs a new one.
  const s0Note =
    s0Team && alerts.some((a) => a.kind === "s0") && writes.comment.action !== "create"
      ? `${mention(s0Team)}: this request is now an accepted **S0 emergency**; see the bot's comment.`
      : undefined;
  // Alerts go out before the comment records them as sent: if a write fails after them, the
  // retry may alert twice (rare), but an S0 is never left unannounced.
  await job.act.apply([
    ...(s0Note ? [{ kind: "note" as const, body: s0Note }] : []),
    ...alerts.map((alert) => ({ kind: "chat" as const, text: alert.text })),
    ...(hasIssueWrites(writes)
      ? [{ kind: "issue" as const, writes, labeled: board.labeled ?? [] }]
      : []),
  ]);
  await remindOfPromise(job, state.response);
  const created = writes.comment.action === "create" && job.receivedAt !== undefined;
  countDecision(plan.outcome, plan.kind, created ? Date.now() - job.receivedAt! : undefined);
  log.info(
    {
      delivery: job.deliveryId,
      issue: `${job.repo}#${ref.issue_number}`,
      kind: plan.kind,
      instances: plan.instances,
      category: plan.category,
      severity: plan.severity,
      outcome: plan.outcome,
      add: writes.addLabels,
      remove: writes.removeLabels,
      comment: writes.comment.action,
    },
    hasIssueWrites(writes)
      ? "request decided: plan applied"
      : "request decided: the issue already matches",
  );
  return plan;
}

// Tier applications and tier reviews: the circle's to decide, never triaged as requests. In the
// issue's turn: read the application, say what is missing, show the instance's tier, load and
// evidence, mention the circle once it is complete; and carry out the circle's decision: open
// the registry pull request on approval, close kindly on a decline. Closed with a note once the
// pull request is merged.
import type { TriageConfig } from "../registry/triage-config.js";
import type { WriteStep } from "../github/executor.js";
import { readIssue } from "../github/issue-api.js";
import { readPipe } from "../github/pipe-read.js";
import { hasIssueWrites, planIssueWrites, type CurrentIssue } from "../triage/issue-writes.js";
import { loadReport } from "../report/load.js";
import { periodBetween } from "../report/period.js";
import { instanceLoadTable, loadSince, sinceWords } from "../report/reviews.js";
import {
  approvalNote,
  declineNote,
  mentionNote,
  mergedNote,
  unmergedNote,
  pullText,
  voidNote,
  readPullLink,
  renderTierComment,
  type LoadSection,
} from "../tiers/comment.js";
import { bindingOf, decisionCommitMessage, driftOf } from "../tiers/approval.js";
import { planTierIssue, type TierAct } from "../tiers/plan.js";
import { missingNow, readTierIssue, tierIssueKind, type TierIssue } from "../tiers/read.js";
import { editRegistry } from "../tiers/registry-edit.js";
import {
  APPLICATION_FORM_PATH,
  generateApplicationForm,
  generateIssueForm,
} from "../form/generate.js";
import type { Policy } from "../registry/policy.js";
import { loadRegistry, instanceOf } from "../registry/schema.js";
import type { TierScope } from "../commands/draft.js";
import {
  decodeState,
  nextState,
  type ApplicationRecord,
  type RecordedState,
} from "../triage/state.js";
import { botCommentOf, type ApplyOptions, type IssueData, type IssueJob } from "./issue-job.js";

const today = () => new Date().toISOString().slice(0, 10);

const textOf = (issue: IssueData, labels: readonly string[]) => ({
  body: issue.body ?? "",
  labels,
});

/** Whether the issue is a tier application or review (the circle's, not the pipe's). */
export function isTierIssue(issue: IssueData, labels: readonly string[], config: TriageConfig) {
  return tierIssueKind(textOf(issue, labels), config.policy) !== undefined;
}

/**
 * What the tier commands need to know of the issue; undefined on any other issue. `asSent`: the
 * issue as the command's delivery carried it, which is what the approver saw: an approval binds
 * that, and is refused when the issue reads differently now (edited in between).
 */
export function tierScope(
  issue: IssueData,
  labels: readonly string[],
  config: TriageConfig,
  asSent?: IssueData,
): TierScope | undefined {
  const read = (i: IssueData) => readTierIssue(textOf(i, labels), config.registry, config.policy);
  const now = read(issue);
  const seen = asSent ? read(asSent) : now;
  if (!now || !seen) return undefined;
  const binding = bindingOf(seen);
  const edited = seen === now || !binding ? undefined : driftOf(binding, now);
  return {
    kind: seen.kind,
    missing: seen.missing,
    ...(binding ? { binding } : {}),
    ...(edited ? { edited } : {}),
    ...(asSent ? {} : { unseen: true }),
  };
}

/** The instance's load since its last review, read as the load report reads the pipe. */
async function loadSection(job: IssueJob, code: string): Promise<LoadSection | undefined> {
  const { registry, policy } = job.config;
  const reviewed = instanceOf(registry, code)?.reviewed;
  const period = periodBetween(loadSince(reviewed, today()), today());
  if (!period) return undefined;
  const records = await readPipe(job.github, job.config, period.start, job.appLogin);
  const report = loadReport(records, period, registry, policy, new Date());
  return { since: sinceWords(reviewed), table: instanceLoadTable(report, code) };
}

/** The two issue forms, generated from the changed registry (none if it does not load). */
const formsFor = (policy: Policy) => (text: string) => {
  const loaded = loadRegistry(text);
  if (!loaded.ok) return [];
  return [
    { path: policy.registry_source.form, text: generateIssueForm(loaded.value, policy) },
    { path: APPLICATION_FORM_PATH, text: generateApplicationForm(loaded.value, policy) },
  ];
};

/** Open the registry pull request an approval asks for, from its record; what to record of it. */
async function openPull(
  job: IssueJob,
  act: Extract<TierAct, { kind: "approve" }>,
): Promise<ApplicationRecord> {
  const source = job.config.policy.registry_source;
  if (!source.repo)
    return {
      problem:
        "no registry repository is set (`registry_source.repo` in the policy, or `REGISTRY_REPO`), so the app does not know where the registry lives",
    };
  const where = { repo: job.repo, number: job.ref.issue_number };
  const approved = act.decision.approved!;
  const text = pullText(approved, act.change, act.decision, where, job.config.registry);
  const result = await job.act.openRegistryPull({
    repo: source.repo,
    path: source.registry,
    ...text,
    message: decisionCommitMessage(act.decision, where),
    edit: (registry) => editRegistry(registry, act.change),
    author: job.appLogin,
    // A new instance must be offered by the issue forms, or the Tier registry check fails.
    ...(act.change.newInstance ? { follow: formsFor(job.config.policy) } : {}),
  });
  job.log.info(
    { issue: `${job.repo}#${job.ref.issue_number}`, pull: result },
    "tier approved: registry pull request",
  );
  return result.ok
    ? { pull: { repo: source.repo, number: result.number }, problem: undefined }
    : { problem: result.problem };
}

/** What carrying out the circle's decision did: the record to keep, the notes to post. */
interface Carried {
  record: ApplicationRecord;
  notes: string[];
  close: boolean;
  /** The decision is void: it goes from the recorded state. */
  drop?: boolean;
}

/**
 * An approval the application no longer matches: its open registry pull request is closed (it
 * must not be merged by mistake), the circle is told and mentioned, and the record says why.
 */
async function voidApproval(
  job: IssueJob,
  read: TierIssue,
  act: Extract<TierAct, { kind: "void" }>,
  before: ApplicationRecord,
): Promise<Carried> {
  const open = before.merged ? undefined : before.pull;
  // Merged already (its delivery not handled yet): the registry holds what was approved, and
  // following the merge closes the application; nothing is void.
  if (open && (await job.act.closeRegistryPull(open)) === "merged")
    return { record: before, notes: [], close: false };
  const team = job.config.policy.reports.circle_team ?? undefined;
  const { decision, why } = act;
  const record: ApplicationRecord = {
    ...before,
    voided: {
      by: decision.by,
      ...(decision.tier ? { tier: decision.tier } : {}),
      why,
      ...(open ? { pull: open } : {}),
    },
    // The note mentions the circle: a later completion need not mention them again.
    mentioned: team !== undefined && missingNow(read).length === 0,
  };
  for (const key of ["pull", "told", "problem", "unmerged"] as const) delete record[key];
  job.log.info(
    { issue: `${job.repo}#${job.ref.issue_number}`, closed: open, why },
    "tier approval void: the issue changed after it",
  );
  return { record, notes: [voidNote(decision, why, open, team)], close: false, drop: true };
}

/**
 * The circle's decision, carried out once: an approval opens the registry pull request (and tells
 * the applicant once it is there; a failure is tried again on the issue's next event); a decline
 * tells the applicant and closes the issue, and frees a pull request opened before it.
 */
async function carryOut(
  job: IssueJob,
  read: TierIssue,
  act: TierAct | undefined,
  issue: IssueData,
  before: ApplicationRecord,
): Promise<Carried> {
  const { registry } = job.config;
  const author = issue.user?.login;
  if (act?.kind === "void") return voidApproval(job, read, act, before);
  if (act?.kind === "approve") {
    const record = act.openPull ? { ...before, ...(await openPull(job, act)) } : before;
    if (!record.pull) return { record, notes: [], close: false };
    const note = approvalNote(read, act.decision, record, registry, author);
    return { record: { ...record, told: "approved" }, notes: [note], close: false };
  }
  if (act?.kind === "decline") {
    // A pull request an earlier approval opened must not be merged by mistake.
    if (before.pull) await job.act.closeRegistryPull(before.pull);
    const note = declineNote(read, act.decision, before, registry, author);
    const record = { ...before, told: "declined" as const, pull: undefined };
    return { record, notes: [note], close: issue.state !== "closed" };
  }
  return { record: before, notes: [], close: false };
}

/** The instance's load, shown while an application of a known instance waits for the circle. */
async function loadWhileWaiting(
  job: IssueJob,
  read: TierIssue,
  current: CurrentIssue,
  open: boolean,
) {
  const waiting = open && !current.previous?.commanded?.tier;
  const known =
    read.kind === "application" && read.code && instanceOf(job.config.registry, read.code);
  return waiting && known ? loadSection(job, read.code!) : undefined;
}

/**
 * A tier application or review, in its turn (the issue's lock is held): the same entry point for
 * issue events, commands and the sweep (see issue-turn.ts).
 */
export async function handleTierIssue(
  job: IssueJob,
  issue: IssueData,
  current: CurrentIssue,
  options: ApplyOptions = {},
): Promise<void> {
  const { config, log } = job;
  const { registry, policy } = config;
  const read = readTierIssue(textOf(issue, current.labels), registry, policy);
  if (!read) return;
  const state = issue.state === "closed" ? "closed" : "open";
  const { labels, previous } = current;
  const plan = planTierIssue({ read, labels, previous, state, registry, policy });
  const summary = {
    issue: `${job.repo}#${job.ref.issue_number}`,
    kind: read.kind,
    act: plan.act?.kind,
  };
  const carried = await carryOut(job, read, plan.act, issue, previous?.application ?? {});
  const team = plan.mention ? (policy.reports.circle_team ?? undefined) : undefined;
  const record = team ? { ...carried.record, mentioned: true } : carried.record;
  // A void approval is no decision any more: the issue waits for the circle again.
  const kept = carried.drop ? { ...current, previous: withoutDecision(previous) } : current;
  const load = await loadWhileWaiting(job, read, kept, state === "open");
  const next = nextState(
    {
      labels: plan.labels,
      suppressed: plan.suppressed,
      overrides: previous?.overrides ?? {},
      outcome: undefined,
    },
    kept,
    { deliveryId: job.deliveryId, seenComment: options.seenComment, application: record },
  );
  // A mention notifies only in new text: in the comment when it is created, else a note.
  const mentionHere = team && !current.comment ? team : undefined;
  const body = renderTierComment({
    read,
    registry,
    policy,
    state: next,
    mention: mentionHere,
    load,
  });
  const writes = planIssueWrites(current, {
    labels: plan.labels,
    body,
    wantsComment: plan.wantsComment,
    displace: options.displace ?? [],
  });
  // People are told first: a failure after this tells them twice rather than never.
  const notes = [...(team && !mentionHere ? [mentionNote(team)] : []), ...carried.notes];
  await job.act.apply([
    ...notes.map((body): WriteStep => ({ kind: "note", body })),
    ...(carried.close ? [{ kind: "close" as const, reason: "not_planned" as const }] : []),
    ...(hasIssueWrites(writes) ? [{ kind: "issue" as const, writes }] : []),
  ]);
  log.info(
    {
      ...summary,
      missing: missingNow(read).length,
      pull: record.pull,
      add: writes.addLabels,
      remove: writes.removeLabels,
      comment: writes.comment.action,
    },
    "tier issue handled",
  );
}

/** The state without the circle's decision (set aside or void). */
function withoutDecision(state: RecordedState | undefined): RecordedState | undefined {
  if (!state?.commanded?.tier) return state;
  const commanded = { ...state.commanded };
  delete commanded.tier;
  return { ...state, commanded };
}

/** A registry pull request the app opened, as GitHub reports it closed. */
export interface ClosedPull {
  repo: string;
  number: number;
  body: string;
  merged: boolean;
}

/**
 * A registry pull request that a tier decision opened was closed. Merged: close the application
 * or review with a note. Closed without merging: say so and set the approval aside, so the circle
 * decides again (a new approval opens a new pull request). Only the pull request the issue's own
 * record names counts, so a pull request that merely mentions an issue changes nothing.
 */
export async function followRegistryPull(job: IssueJob, pull: ClosedPull): Promise<boolean> {
  const { github, ref, config, log } = job;
  const link = readPullLink(pull.body);
  if (
    !link ||
    `${link.repo}#${link.number}`.toLowerCase() !== `${job.repo}#${ref.issue_number}`.toLowerCase()
  )
    return false;
  const comment = await botCommentOf(job);
  const state = comment ? decodeState(comment.body) : undefined;
  const recorded = state?.application?.pull;
  const ours =
    recorded?.number === pull.number && recorded.repo.toLowerCase() === pull.repo.toLowerCase();
  if (!comment || !state || !ours || state.application?.merged) return false;
  const issue = await readIssue(github, ref);
  const read = readTierIssue(
    {
      body: issue.body ?? "",
      labels: issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
    },
    config.registry,
    config.policy,
  );
  if (!read) return false;
  const decision = state.commanded?.tier;
  const at = { repo: pull.repo, number: pull.number };
  const steps: WriteStep[] = [];
  let next: RecordedState;
  if (pull.merged) {
    const every = read.code
      ? instanceOf(config.registry, read.code)?.review_every_months
      : undefined;
    steps.push({ kind: "note", body: mergedNote(read, decision, at, config.registry, every) });
    if (issue.state !== "closed") steps.push({ kind: "close", reason: "completed" });
    next = { ...state, application: { ...state.application, merged: true } };
  } else {
    steps.push({ kind: "note", body: unmergedNote(read, decision, at, config.registry) });
    // Back to waiting for the circle: the decision, its pull request and what was told go.
    const application = { ...state.application, unmerged: at };
    delete application.pull;
    delete application.told;
    delete application.problem;
    delete application.voided;
    next = { ...withoutDecision(state)!, application };
  }
  const body = renderTierComment({
    read,
    registry: config.registry,
    policy: config.policy,
    state: next,
  });
  const writes = planIssueWrites(
    { labels: [], comment, previous: state },
    { labels: [], body, wantsComment: true },
  );
  await job.act.apply([...steps, { kind: "issue", writes }]);
  log.info(
    { issue: `${link.repo}#${link.number}`, pull: `${pull.repo}#${pull.number}` },
    pull.merged
      ? "registry pull request merged: tier issue closed"
      : "registry pull request closed unmerged: approval set aside",
  );
  return true;
}

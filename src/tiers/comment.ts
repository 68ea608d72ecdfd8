// What the app writes on a tier application or review: its one bot comment (what was asked, what
// is missing, the instance's tier, load and evidence, the circle's decision), the short notes
// that notify people, and the registry pull request's title and body. Pure.
import { autolink, codeSpan, mention, pipesEscaped, plainText } from "../markup/inert.js";
import type { Policy } from "../registry/policy.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { COMMENT_MARKER, encodeState } from "../triage/state.js";
import type { ApplicationRecord, Approved, RecordedState, TierDecision } from "../triage/state.js";
import { APPLICATION_LABELS, tierMeaning } from "./questions.js";
import { missingNow, type ApplicationRead, type TierIssue } from "./read.js";
import { DEFAULT_EVERY_MONTHS } from "../report/reviews.js";
import type { TierChange } from "./registry-edit.js";
import { decisionBranch } from "./approval.js";

/** An issue or pull request, written the way GitHub links it: owner/repo#N. */
export const issueLink = (repo: string, number: number) => `${repo}#${number}`;

/** The instance's load since its last review, already rendered (see report/reviews.ts). */
export interface LoadSection {
  since: string;
  table: string;
}

export interface TierCommentInput {
  read: TierIssue;
  registry: Registry;
  policy: Policy;
  state: RecordedState;
  /** The team to mention in a new comment (`org/team`), when it is time to. */
  mention?: string;
  load?: LoadSection;
}

/** What names an instance: an issue as read, or what an approval recorded. */
type Named = { code?: string; newInstance?: { name?: string } };

/** The instance an approval is for: what it recorded (the issue as read for an older one). */
const approvedOr = (decision: TierDecision | undefined, read: TierIssue): Named =>
  decision?.approved ?? read;

/** "Open Food Network Germany (`de`)", or the new instance's name and code. */
export function instanceWords(read: Named, registry: Registry): string {
  const code = read.code;
  if (!code) return "an instance not named yet";
  const name = instanceOf(registry, code)?.name ?? read.newInstance?.name;
  return name ? `${plainText(name, 100)} (${codeSpan(code, 40)})` : codeSpan(code, 40);
}

function instanceRow(read: TierIssue, registry: Registry): string {
  const instance = read.code ? instanceOf(registry, read.code) : undefined;
  if (instance) {
    const reviewed = instance.reviewed ? `last reviewed ${instance.reviewed}` : "never reviewed";
    return `${instanceWords(read, registry)}, on the **${instance.tier}** tier now (${reviewed})`;
  }
  if (read.kind === "application" && read.newInstance) {
    const { hosts, aliases } = read.newInstance;
    const details = [
      hosts.length ? `hosts ${plainText(hosts.join(", "))}` : "no hosts yet",
      ...(aliases.length ? [`also called ${plainText(aliases.join(", "))}`] : []),
    ];
    return `a new instance: ${instanceWords(read, registry)}; ${details.join("; ")}`;
  }
  return instanceWords(read, registry);
}

function decisionSection(
  read: TierIssue,
  decision: TierDecision,
  record: ApplicationRecord,
  registry: Registry,
): string[] {
  const who = mention(decision.by);
  if (decision.outcome === "declined") {
    return [
      `### Declined by the circle (${who})`,
      "",
      `> ${plainText(decision.reason ?? "", 500)}`,
    ];
  }
  const approved = instanceWords(approvedOr(decision, read), registry);
  const lines = [
    `### 🎉 Approved for the **${decision.tier}** tier (${who})`,
    "",
    `Approved: ${approved}, as the ${read.kind} read when it was approved. Edited later, it needs the circle again.`,
    "",
  ];
  if (record.merged && record.pull) {
    lines.push(
      `The registry pull request ${issueLink(record.pull.repo, record.pull.number)} was merged: ${approved} is on the **${decision.tier}** tier.`,
    );
  } else if (record.pull) {
    lines.push(
      `The registry pull request: ${issueLink(record.pull.repo, record.pull.number)}. Once it is merged, this issue is closed.`,
    );
  } else if (record.problem) {
    lines.push(
      `**The app could not open the registry pull request:** ${record.problem}. A member of the circle can open it by hand (\`config/instances.yml\`: the tier, \`reviewed:\` and the evidence links), or fix the cause and write \`/approve-tier ${decision.tier}\` again.`,
    );
  }
  return lines;
}

function applicationStatus(read: ApplicationRead): string[] {
  const missing = missingNow(read);
  if (missing.length) {
    const forTier = read.tier ? `For the **${read.tier}** tier the circle` : "The circle";
    return [
      "### ⏳ Not complete yet",
      "",
      `${forTier} still needs:`,
      ...missing.map((m) => `- ${m}`),
      "",
      "Edit the issue to add them (the bot reads it again). The circle looks at the application once it is complete.",
    ];
  }
  return [
    "### ✅ Complete: waiting for the circle",
    "",
    `A member of the instance-managers circle decides: \`/approve-tier ${read.tier}\` (or \`/approve-tier basic\`) or \`/decline-tier <reason>\` in a comment. On approval the app opens the pull request that records the tier in the registry.`,
  ];
}

function evidenceSection(read: ApplicationRead, registry: Registry): string[] {
  const given = read.evidence.filter((a) => a.text);
  const onFile = (read.code && instanceOf(registry, read.code)?.evidence) || [];
  return [
    "### Evidence",
    "",
    ...(given.length
      ? given.map((a) => `- **${a.question.label}**: ${plainText(a.text, 300, { links: a.links })}`)
      : ["None given yet."]),
    ...(onFile.length
      ? ["", "Already on file in the registry:", ...onFile.map((l) => `- ${autolink(l)}`)]
      : []),
  ];
}

export function renderTierComment(input: TierCommentInput): string {
  const { read, registry, policy, state, load } = input;
  const decision = state.commanded?.tier;
  const record = state.application ?? {};
  const title =
    read.kind === "application"
      ? `### 📝 Tier application: ${instanceWords(read, registry)} asks for the **${read.tier ?? "?"}** tier`
      : `### Tier review: ${instanceWords(read, registry)}`;
  const lines = [COMMENT_MARKER, title, ""];
  if (input.mention)
    lines.push(`${mention(input.mention)}: a tier application for the circle to decide.`, "");
  lines.push(
    "| | |",
    "| --- | --- |",
    `| ${APPLICATION_LABELS.instance} | ${pipesEscaped(instanceRow(read, registry))} |`,
  );
  if (read.kind === "application" && read.tier)
    lines.push(
      `| ${APPLICATION_LABELS.tier} | **${read.tier}**: ${tierMeaning(policy, read.tier)} |`,
    );
  lines.push("");
  if (decision) lines.push(...decisionSection(read, decision, record, registry), "");
  else {
    if (record.voided) lines.push(voidedLine(record.voided), "");
    else if (record.unmerged) lines.push(unmergedLine(record.unmerged), "");
    if (read.kind === "application") lines.push(...applicationStatus(read), "");
  }
  if (read.kind === "application") lines.push(...evidenceSection(read, registry), "");
  if (load) lines.push(`### Its load ${load.since}`, "", load.table, "");
  return `${lines.join("\n")}${encodeState(state)}\n`;
}

/** A new comment that tells the circle an application waits for them (GitHub notifies only
 * for new text). */
export function mentionNote(team: string): string {
  return `${mention(team)}: this tier application is complete and ready for the circle to decide; see the bot's comment above.`;
}

/** Who to tell of a decision: the applicant, or on a review the instance's managers. */
function addressees(read: TierIssue, registry: Registry, author?: string): string[] {
  const managers = read.code ? (instanceOf(registry, read.code)?.managers ?? []) : [];
  const people = read.kind === "application" && author ? [author] : managers;
  return people.map(mention);
}

export function approvalNote(
  read: TierIssue,
  decision: TierDecision,
  record: ApplicationRecord,
  registry: Registry,
  author?: string,
): string {
  const pull = record.pull
    ? `The app opened ${issueLink(record.pull.repo, record.pull.number)} to record it in the registry; once it is merged, this issue is closed.`
    : "The registry pull request could not be opened yet: see the bot's comment above.";
  const who = addressees(read, registry, author);
  return `${who.length ? `${who.join(", ")}: the` : "The"} instance-managers circle approved ${instanceWords(approvedOr(decision, read), registry)} for the **${decision.tier}** tier (${mention(decision.by)}). ${pull}\n`;
}

export function declineNote(
  read: TierIssue,
  decision: TierDecision,
  record: ApplicationRecord,
  registry: Registry,
  author?: string,
): string {
  const instance = read.code ? instanceOf(registry, read.code) : undefined;
  const stays = instance
    ? `${instanceWords(read, registry)} stays on the **${instance.tier}** tier for now.`
    : "";
  const what = read.kind === "application" ? "application" : "review";
  const who = addressees(read, registry, author);
  const thanks = who.length ? `${who.join(", ")}, thank you` : "Thank you";
  const lines = [
    `${thanks} for the ${what}. The instance-managers circle has decided not to approve it for now (${mention(decision.by)}):`,
    "",
    `> ${plainText(decision.reason ?? "", 500)}`,
    "",
    `**What next:** ${stays} You can ask the circle about the reason right here, and apply again with the "Tier application" form once it is addressed. Work your tier does not cover can still go on the paid jobs board.`,
  ];
  if (record.pull)
    lines.push(
      "",
      `The registry pull request ${issueLink(record.pull.repo, record.pull.number)} that the approval opened is not needed any more: the app closed it without merging.`,
    );
  return `${lines.join("\n")}\n`;
}

function voidedLine(voided: NonNullable<ApplicationRecord["voided"]>): string {
  const tier = voided.tier ? ` for the **${voided.tier}** tier` : "";
  return `⚠️ The approval${tier} by ${mention(voided.by)} is void: ${voided.why}. The circle decides again.`;
}

/**
 * Said when an approval becomes void (the application changed after it): the circle's team is
 * mentioned, in new text so that GitHub notifies them.
 */
export function voidNote(
  decision: TierDecision,
  why: string,
  closed: { repo: string; number: number } | undefined,
  team: string | undefined,
): string {
  const to = team ? `${mention(team)}: the` : "The";
  const tier = decision.tier ? ` for the **${decision.tier}** tier` : "";
  const pull = closed
    ? ` The app closed its registry pull request ${issueLink(closed.repo, closed.number)} without merging.`
    : "";
  return `${to} approval${tier} by ${mention(decision.by)} is void: ${why}.${pull} Please read the application again and decide: \`/approve-tier basic|full\` or \`/decline-tier <reason>\`.\n`;
}

function unmergedLine(pull: { repo: string; number: number }): string {
  return `The registry pull request ${issueLink(pull.repo, pull.number)} was closed without being merged, so the approval was set aside: the circle decides again.`;
}

/** Said when an approval's registry pull request is closed without being merged. */
export function unmergedNote(
  read: TierIssue,
  decision: TierDecision | undefined,
  pull: { repo: string; number: number },
  registry: Registry,
): string {
  const named = approvedOr(decision, read);
  const instance = named.code ? instanceOf(registry, named.code) : undefined;
  const stays = instance
    ? `${instanceWords(named, registry)} stays on the **${instance.tier}** tier`
    : `${instanceWords(named, registry)} is not in the registry yet`;
  const tier = decision?.tier ?? "basic";
  return `The registry pull request ${issueLink(pull.repo, pull.number)} was closed without being merged, so the registry is unchanged: ${stays}. The approval is set aside. A member of the circle can write \`/approve-tier ${tier}\` again (the app opens a new pull request) or \`/decline-tier <reason>\`.\n`;
}

export function mergedNote(
  read: TierIssue,
  decision: TierDecision | undefined,
  pull: { repo: string; number: number },
  registry: Registry,
  everyMonths = DEFAULT_EVERY_MONTHS,
): string {
  const tier = decision?.tier
    ? ` is now on the **${decision.tier}** tier in the registry`
    : " is updated in the registry";
  return `The registry pull request ${issueLink(pull.repo, pull.number)} was merged: ${instanceWords(approvedOr(decision, read), registry)}${tier}; its next review is due in ${everyMonths} months. Closing this ${read.kind === "application" ? "application" : "review"}. Thank you!\n`;
}

/** The line that ties a registry pull request to its issue; read back when it is merged. */
export function pullLinkLine(kind: TierIssue["kind"], repo: string, number: number): string {
  return `Tier ${kind}: ${issueLink(repo, number)}`;
}

/** The issue a registry pull request's body links, or undefined for any other pull request. */
export function readPullLink(
  body: string,
): { kind: TierIssue["kind"]; repo: string; number: number } | undefined {
  const m = /^Tier (application|review): ([\w.-]+\/[\w.-]+)#(\d+)\s*$/m.exec(body);
  if (!m) return undefined;
  return { kind: m[1] as TierIssue["kind"], repo: m[2]!, number: Number(m[3]) };
}

export interface PullText {
  title: string;
  body: string;
  branch: string;
}

export function pullText(
  approved: Approved,
  change: TierChange,
  decision: TierDecision,
  where: { repo: string; number: number },
  registry: Registry,
): PullText {
  const before = instanceOf(registry, change.code)?.tier;
  const tiers = before ? `${before} → ${change.tier}` : `new, ${change.tier}`;
  const title = `Tier: ${change.code} ${tiers} (${approved.kind} ${issueLink(where.repo, where.number)})`;
  const fields = change.newInstance
    ? "adds its entry (name, tier, hosts, aliases, `reviewed`, `review_every_months`, evidence)"
    : "sets its `tier`, `reviewed` (the day of the approval) and `review_every_months`, and adds the evidence links";
  const body = [
    pullLinkLine(approved.kind, where.repo, where.number),
    "",
    `The instance-managers circle approved ${instanceWords(approved, registry)} for the **${change.tier}** tier${before ? ` (was ${before})` : ""}: approved by ${mention(decision.by)} on ${change.reviewed}.`,
    "",
    `Opened by sysadmin-pipe. It changes only ${codeSpan(change.code, 40)} in the registry: it ${fields}.`,
    "",
    ...(change.evidence.length
      ? ["Evidence:", ...change.evidence.map((l) => `- ${autolink(l)}`), ""]
      : []),
    ...(change.newInstance
      ? ["It also regenerates the two issue forms, so they offer the new instance.", ""]
      : []),
    `Merging it records the decision; the app then closes the ${approved.kind}. The Tier registry check shows what the change means.`,
    "",
  ].join("\n");
  return { title, body, branch: decisionBranch(decision, where) };
}

// Reading a tier application (an issue made with the "Tier application" form) or a tier review
// (an issue opened by `sysadmin-pipe reviews`): which instance, which tier, what evidence, and
// what is still missing for each tier. Pure.
import { codeSpan, plainText } from "../markup/inert.js";
import type { Policy } from "../registry/policy.js";
import { identityOwners, ownerWords, takenBy, unsafeIdentity } from "../registry/identity.js";
import { HOST, INSTANCE_CODE, instanceOf, type Registry } from "../registry/schema.js";
import { readReviewMarker } from "../report/reviews.js";
import { answerCodes, formSections } from "../triage/form-answers.js";
import {
  MAX_APPROVED_LINK_CHARS,
  MAX_APPROVED_LINKS,
  MAX_NEW_INSTANCE_WORDS,
} from "../triage/state.js";
import {
  APPLICATION_LABELS,
  ASKED_TIERS,
  evidenceQuestions,
  headingIs,
  NEW_INSTANCE,
  NEW_INSTANCE_OPTION,
  type AskedTier,
  type EvidenceQuestion,
} from "./questions.js";

export type TierIssueKind = "application" | "review";

/** The issue as this module reads it. */
export interface TierIssueText {
  body: string;
  labels: readonly string[];
}

/** What is still missing, in words, per tier: the tier asked (or approved) is what counts. */
export type Missing = Record<AskedTier, string[]>;

export interface NewInstance {
  code?: string;
  name?: string;
  hosts: string[];
  aliases: string[];
}

export interface EvidenceAnswer {
  question: EvidenceQuestion;
  text: string;
  links: string[];
}

export interface ApplicationRead {
  kind: "application";
  /** The instance's code: the registry's, or the one a new instance asks for. */
  code?: string;
  /** Set when the application is for an instance the registry does not have. */
  newInstance?: NewInstance;
  tier?: AskedTier;
  evidence: EvidenceAnswer[];
  missing: Missing;
}

export interface ReviewRead {
  kind: "review";
  code?: string;
  /** The last review the review issue counts from. */
  reviewed?: string;
  missing: Missing;
}

export type TierIssue = ApplicationRead | ReviewRead;

/**
 * Whether an issue is the circle's to decide rather than a sysadmin request: a tier review (its
 * label or the marker `reviews` writes) or a tier application (its label, or the form's
 * "Tier asked" question when the label did not come with it).
 */
export function tierIssueKind(issue: TierIssueText, policy: Policy): TierIssueKind | undefined {
  const { review_label, application_label } = policy.reports;
  if (issue.labels.includes(review_label) || readReviewMarker(issue.body)) return "review";
  if (issue.labels.includes(application_label)) return "application";
  const asked = formSections(issue.body).some((s) => headingIs(s.heading, APPLICATION_LABELS.tier));
  return asked ? "application" : undefined;
}

const LINK = /https?:\/\/[^\s<>()[\]"'`]+/g;

/** The links in an answer, in order, each once ("https://x.org/a." loses its full stop). */
export function linksIn(text: string): string[] {
  const links = (text.match(LINK) ?? []).map((l) => l.replace(/[.,;:!?]+$/, ""));
  return [...new Set(links.filter((l) => URL.canParse(l)))];
}

const list = (text: string, separators: RegExp) =>
  text
    .split(separators)
    .map((part) => part.trim().replace(/^[-*]\s+/, ""))
    .filter(Boolean);

/** Answers by question label. */
function answerOf(sections: { heading: string; value: string }[], label: string): string {
  return sections.find((s) => headingIs(s.heading, label))?.value ?? "";
}

/** What is wrong with a new instance's name and aliases: unsafe words, or another's words. */
function identityProblems(instance: NewInstance, registry: Registry): string[] {
  const owners = identityOwners(Object.entries(registry.instances));
  const code = instance.code ?? "";
  const words = [
    ...(instance.name ? [{ what: "name" as const, which: "the name", text: instance.name }] : []),
    ...instance.aliases.map((text, i) => ({
      what: "alias" as const,
      which: `alias ${i + 1}`,
      text,
    })),
  ];
  const problems = words.flatMap(({ what, which, text }) => {
    const label = `**${what === "name" ? APPLICATION_LABELS.name : APPLICATION_LABELS.aliases}**`;
    // The unsafe text is not echoed: it is what must not reach a comment.
    const unsafe = unsafeIdentity(text, what);
    if (unsafe) return [`${label}: ${which} ${unsafe}`];
    const owner = takenBy(owners, code, text);
    return owner
      ? [
          `${label}: ${codeSpan(text, 60)} is already ${ownerWords(owner)}; triage could not tell the two instances apart`,
        ]
      : [];
  });
  if (instance.aliases.length > MAX_NEW_INSTANCE_WORDS)
    problems.push(`**${APPLICATION_LABELS.aliases}**: at most ${MAX_NEW_INSTANCE_WORDS} aliases`);
  return problems;
}

/** What is wrong with a new instance's answers, in words. */
function newInstanceProblems(instance: NewInstance, registry: Registry): string[] {
  const problems: string[] = [];
  const { code, name, hosts } = instance;
  const codeLabel = `**${APPLICATION_LABELS.code}**`;
  const owner = code
    ? takenBy(identityOwners(Object.entries(registry.instances)), code, code)
    : undefined;
  if (!code || !INSTANCE_CODE.test(code)) {
    problems.push(
      `${codeLabel}: a short code such as \`pt\` (2–20 lower-case letters, digits or hyphens)${code ? `; got ${codeSpan(code, 40)}` : ""}`,
    );
  } else if (instanceOf(registry, code)) {
    problems.push(
      `${codeLabel}: ${codeSpan(code)} is already the code of ${plainText(instanceOf(registry, code)!.name, 100)}: pick that instance above, or another code`,
    );
  } else if (owner) {
    problems.push(`${codeLabel}: \`${code}\` is already ${ownerWords(owner)}: pick another code`);
  }
  if (!name) problems.push(`**${APPLICATION_LABELS.name}**: the instance's name`);
  problems.push(...identityProblems(instance, registry));
  const owners = new Map(
    Object.entries(registry.instances).flatMap(([c, i]) =>
      i.hosts.map((h) => [h.toLowerCase(), c]),
    ),
  );
  for (const host of hosts) {
    if (!HOST.test(host))
      problems.push(
        `**${APPLICATION_LABELS.hosts}**: ${codeSpan(host, 80)} is not a host name like openfoodnetwork.org.uk`,
      );
    else if (owners.has(host.toLowerCase()))
      problems.push(
        `**${APPLICATION_LABELS.hosts}**: ${codeSpan(host)} already belongs to ${codeSpan(owners.get(host.toLowerCase())!)}`,
      );
  }
  if (hosts.length > MAX_NEW_INSTANCE_WORDS)
    problems.push(`**${APPLICATION_LABELS.hosts}**: at most ${MAX_NEW_INSTANCE_WORDS} host names`);
  return problems;
}

/** The instance the application is about: a registry code, or a new instance. */
function readInstance(
  sections: { heading: string; value: string }[],
  registry: Registry,
): { code?: string; newInstance?: NewInstance; problems: string[] } {
  const answer = answerOf(sections, APPLICATION_LABELS.instance);
  if (!answer) return { problems: [`**${APPLICATION_LABELS.instance}**: which instance applies`] };
  if (answer.toLowerCase().startsWith(NEW_INSTANCE.toLowerCase())) {
    const newInstance: NewInstance = {
      hosts: list(answerOf(sections, APPLICATION_LABELS.hosts), /[\s,]+/),
      aliases: list(answerOf(sections, APPLICATION_LABELS.aliases), /[,\n]+/),
    };
    const code = answerOf(sections, APPLICATION_LABELS.code).split(/\s+/)[0]?.toLowerCase();
    const name = answerOf(sections, APPLICATION_LABELS.name).split("\n")[0]?.trim();
    if (code) newInstance.code = code.replace(/^`|`$/g, "");
    if (name) newInstance.name = name;
    return {
      ...(newInstance.code ? { code: newInstance.code } : {}),
      newInstance,
      problems: newInstanceProblems(newInstance, registry),
    };
  }
  const code = answerCodes(answer)[0]?.toLowerCase();
  if (code && instanceOf(registry, code)) return { code, problems: [] };
  return {
    problems: [
      `**${APPLICATION_LABELS.instance}**: ${codeSpan(code ?? answer, 60)} is not in the registry; choose the instance again, or "${NEW_INSTANCE_OPTION}"`,
    ],
  };
}

/** What an evidence answer lacks for a tier, or undefined when it is enough. */
function evidenceProblem(answer: EvidenceAnswer, tier: AskedTier): string | undefined {
  const { question, text, links } = answer;
  if (!question.askedBy.includes(tier)) return undefined;
  const name = `**${question.label}**`;
  if (!text) {
    if (!question.requiredBy.includes(tier)) return undefined;
    return `${name}: not given${question.link ? " (a link, https://…)" : ""}`;
  }
  if (question.link && !links.length) return `${name}: a link is needed (https://…)`;
  return undefined;
}

/** Links an approval could not record whole (it records them to build the registry change). */
function linkProblems(evidence: readonly EvidenceAnswer[]): string[] {
  const links = [...new Set(evidence.flatMap((a) => a.links))];
  const long = evidence.filter((a) => a.links.some((l) => l.length > MAX_APPROVED_LINK_CHARS));
  return [
    ...(links.length > MAX_APPROVED_LINKS
      ? [`**Evidence**: at most ${MAX_APPROVED_LINKS} links in all; there are ${links.length}`]
      : []),
    ...long.map(
      (a) => `**${a.question.label}**: a link of at most ${MAX_APPROVED_LINK_CHARS} characters`,
    ),
  ];
}

function readApplication(body: string, registry: Registry, policy: Policy): ApplicationRead {
  const sections = formSections(body);
  const instance = readInstance(sections, registry);
  const tierAnswer = answerOf(sections, APPLICATION_LABELS.tier).split(/[\s—-]+/)[0];
  const tier = ASKED_TIERS.find((t) => t === tierAnswer?.toLowerCase());
  const evidence = evidenceQuestions(policy.applications).map((question) => {
    const text = answerOf(sections, question.label);
    return { question, text, links: linksIn(text) };
  });
  const links = linkProblems(evidence);
  const missing = Object.fromEntries(
    ASKED_TIERS.map((t) => [
      t,
      [
        ...instance.problems,
        ...evidence.flatMap((answer) => evidenceProblem(answer, t) ?? []),
        ...links,
      ],
    ]),
  ) as Missing;
  return {
    kind: "application",
    ...(instance.code ? { code: instance.code } : {}),
    ...(instance.newInstance ? { newInstance: instance.newInstance } : {}),
    ...(tier ? { tier } : {}),
    evidence,
    missing,
  };
}

function readReview(body: string, registry: Registry): ReviewRead {
  const marker = readReviewMarker(body);
  const gone =
    marker && !instanceOf(registry, marker.code)
      ? [`the registry has no instance ${codeSpan(marker.code)} any more`]
      : [];
  const unknown = marker ? gone : ["this review issue does not say which instance it is about"];
  return {
    kind: "review",
    ...(marker ? { code: marker.code } : {}),
    ...(marker?.reviewed ? { reviewed: marker.reviewed } : {}),
    missing: { basic: unknown, full: unknown },
  };
}

/** The tier application or review in an issue, or undefined for any other issue. */
export function readTierIssue(
  issue: TierIssueText,
  registry: Registry,
  policy: Policy,
): TierIssue | undefined {
  const kind = tierIssueKind(issue, policy);
  if (kind === "review") return readReview(issue.body, registry);
  if (kind === "application") return readApplication(issue.body, registry, policy);
  return undefined;
}

/** What the application still lacks for the tier it asks (the tier itself, if not chosen). */
export function missingNow(read: TierIssue): string[] {
  if (read.kind === "review") return read.missing.basic;
  if (read.tier) return read.missing[read.tier];
  const common = read.missing.basic.filter((m) => read.missing.full.includes(m));
  return [`**${APPLICATION_LABELS.tier}**: basic or full`, ...common];
}

/** The links an application gives, in the order of its questions, each once. */
export function evidenceLinks(read: TierIssue): string[] {
  if (read.kind === "review") return [];
  return [...new Set(read.evidence.flatMap((a) => a.links))];
}

// decide(): IssueInput + Registry + Policy -> TriagePlan. Pure; the only place rules combine.
import { createHash } from "node:crypto";
import { codeSpan, mention, plainText } from "../markup/inert.js";
import type { Policy } from "../registry/policy.js";
import { instanceOf, type Registry } from "../registry/schema.js";
import { bestCategory, scoreCategories, scoreProduct, withoutEveryday } from "./classify.js";
import { answerCodes, parseForm, type FormAnswers } from "./form-answers.js";
import { findInstances, instanceOfRepo } from "./instances.js";
import { planLabels } from "./label-names.js";
import { readOverrides } from "./overrides.js";
import { decideKind, type KindDecision } from "./kind.js";
import { displayName, judgeInstance } from "./coverage.js";
import {
  asksForWork,
  readSeverity,
  readSize,
  saysDown,
  statedSeverity,
  titleReportsTrouble,
} from "./severity.js";
import { prepareBody } from "./text.js";
import type { Commanded, IssueInput, Source, TriagePlan } from "./types.js";
import {
  isCategory,
  isSeverity,
  isSize,
  type Category,
  type Severity,
  type Size,
} from "../registry/vocabulary.js";

/** An instance's name for the reasons, which are Markdown (registry values are outside text). */
const shownName = (code: string, registry: Registry) =>
  plainText(displayName(code, instanceOf(registry, code)), 100);

interface Found<T> {
  value: T;
  source: Source;
}

/** Instances: a person's labels, the form, the instance's own repo, then the title, then the body. */
function findIssueInstances(
  input: IssueInput,
  title: string,
  form: FormAnswers,
  body: string,
  registry: Registry,
  policy: Policy,
  override: string[] | undefined,
): Found<string[]> & { unknown: string[]; firm: boolean; inTitle: string[] } {
  const known = (codes: string[]) => codes.filter((c) => instanceOf(registry, c) !== undefined);
  const unknownOf = (codes: string[]) => codes.filter((c) => instanceOf(registry, c) === undefined);
  if (override)
    return {
      value: known(override),
      unknown: unknownOf(override),
      source: "override",
      firm: true,
      inTitle: [],
    };
  if (form.instance) {
    const codes = answerCodes(form.instance).map((c) => c.toLowerCase());
    const fromText = known(codes).length ? [] : findInstances(form.instance, registry, policy);
    const value = [...new Set([...known(codes), ...fromText])];
    if (value.length) return { value, unknown: [], source: "form", firm: true, inTitle: [] };
  }
  const own = instanceOfRepo(input.repo, registry);
  if (own) return { value: [own], unknown: [], source: "repo", firm: true, inTitle: [] };
  const inTitle = findInstances(title, registry, policy);
  if (inTitle.length) return { value: inTitle, unknown: [], source: "text", firm: false, inTitle };
  const inBody = findInstances(body, registry, policy);
  return { value: inBody, unknown: [], source: "text", firm: false, inTitle: [] };
}

function formValue<T extends string>(
  answer: string | undefined,
  guard: (v: string) => v is T,
): T | undefined {
  const first = answer ? answerCodes(answer)[0] : undefined;
  return first && guard(first) ? first : undefined;
}

/**
 * The same issue, read the same, under the same configuration, is decided once: a delivery is
 * decided when it is received (to choose its place in the queue) and again in its turn, where a
 * new issue reads exactly as its delivery did. The last few decisions are kept per configuration
 * (a configuration is replaced, never changed, so it is the key as it is).
 */
const remembered = new WeakMap<Registry, WeakMap<Policy, Map<string, TriagePlan>>>();
const REMEMBERED = 128;

export function decide(input: IssueInput, registry: Registry, policy: Policy): TriagePlan {
  let byPolicy = remembered.get(registry);
  if (!byPolicy) remembered.set(registry, (byPolicy = new WeakMap()));
  let plans = byPolicy.get(policy);
  if (!plans) byPolicy.set(policy, (plans = new Map()));
  const read = [input.repo, input.number, input.title, input.body, input.labels, input.author];
  // A digest, not the text: a body can be 65,536 characters.
  const key = createHash("sha1")
    .update(JSON.stringify([...read, input.previous]))
    .digest("base64");
  const known = plans.get(key);
  if (known) return known;
  const plan = decideAfresh(input, registry, policy);
  plans.set(key, plan);
  if (plans.size > REMEMBERED) plans.delete(plans.keys().next().value!);
  return plan;
}

/** The decision itself, made every time (the bench measures this). */
export function decideAfresh(input: IssueInput, registry: Registry, policy: Policy): TriagePlan {
  const title = withoutEveryday(input.title, policy);
  const body = withoutEveryday(prepareBody(input.body), policy);
  const form = parseForm(input.body);
  const commanded = input.previous?.commanded;
  const { overrides, suppressed } = readOverrides(
    input.labels,
    input.previous,
    policy,
    commanded?.overrides,
  );
  const scores = scoreCategories(title, body, policy);

  const instances = findIssueInstances(
    input,
    title,
    form,
    body,
    registry,
    policy,
    overrides.instances,
  );
  const category: Found<Category | null> = overrides.category
    ? { value: overrides.category, source: "override" }
    : formValue(form.category, isCategory)
      ? { value: formValue(form.category, isCategory)!, source: "form" }
      : { value: bestCategory(scores, policy), source: "text" };

  const kindDecision: KindDecision = decideKind(
    {
      repo: input.repo,
      firm: instances.firm || overrides.category !== undefined,
      titleNames: instances.inTitle.map((code) => shownName(code, registry)),
      bodyNames: instances.inTitle.length
        ? []
        : instances.value.map((code) => shownName(code, registry)),
      scores: scores.all,
      titleScores: scores.title,
      category: category.value,
      product: scoreProduct(title, body, policy),
      outage: saysDown(title, body, policy),
      troubleInTitle: titleReportsTrouble(title, policy),
      asks: asksForWork(title, body, policy),
    },
    policy,
  );
  const kind = kindDecision.kind;
  const sure = kindDecision.sure;

  // ofn-install's own issues are judged as its own work, whatever else they mention: the
  // policy's not-pipe category (`tooling` as shipped).
  const ownWork = policy.not_pipe[0] ?? null;
  const judgedCategory = kind === "install" ? ownWork : category.value;
  const severity = pickSeverity(title, form, body, judgedCategory, policy, overrides.severity);
  const size: Found<Size> = overrides.size
    ? { value: overrides.size, source: "override" }
    : formValue(form.size, isSize)
      ? { value: formValue(form.size, isSize)!, source: "form" }
      : { value: readSize(title, body, category.value, policy), source: "text" };

  const plan: TriagePlan = {
    kind,
    instances: kind === "instance" || !sure ? instances.value : [],
    unknownInstances: instances.unknown,
    category: kind === "instance" ? category.value : kind === "install" ? ownWork : null,
    severity: severity.value,
    size: size.value,
    outcome: sure ? "not-pipe" : "undecided",
    kindReason: kindDecision.why,
    verdicts: [],
    missing: [],
    reasons: [],
    labels: [],
    sources: {
      instances: instances.source,
      category: category.source,
      severity: severity.source,
      size: size.source,
    },
    overrides,
    suppressed,
    jobBoard: false,
  };
  judge(plan, registry, policy, severity.why);
  applyPersonDecision(plan, commanded);
  plan.labels = planLabels(plan, policy);
  return plan;
}

function pickSeverity(
  title: string,
  form: FormAnswers,
  body: string,
  category: Category | null,
  policy: Policy,
  override: Severity | undefined,
): Found<Severity> & { why: string } {
  if (override) return { value: override, source: "override", why: "a person set it" };
  const fromForm = formValue(form.severity, isSeverity);
  if (fromForm) return { value: fromForm, source: "form", why: "the request form says so" };
  const stated = statedSeverity(title, body);
  if (stated) return { value: stated, source: "text", why: "the issue says so" };
  const read = readSeverity(title, body, category, policy);
  return { value: read.severity, source: category ? "text" : "default", why: read.why };
}

/** Fill in outcome, verdicts and reasons. */
function judge(plan: TriagePlan, registry: Registry, policy: Policy, severityWhy: string): void {
  if (plan.outcome === "undecided") {
    plan.reasons.push(
      `The bot cannot tell whether this is one instance's sysadmin work or not (${plan.kindReason}), so a maintainer will triage it by hand.`,
    );
    return;
  }
  if (plan.kind === "install") {
    plan.reasons.push(
      `This is about ofn-install itself, for every instance (${plan.kindReason}): it stays in the installer's own backlog.`,
    );
    return;
  }
  if (plan.kind === "other") {
    plan.reasons.push(
      `This does not look like sysadmin work for an instance (${plan.kindReason}).`,
    );
    return;
  }
  if (plan.instances.length === 0) plan.missing.push("instance");
  if (plan.category === null) plan.missing.push("category");
  if (plan.missing.length || plan.category === null) {
    plan.outcome = "needs-info";
    if (plan.unknownInstances.length) {
      plan.reasons.push(
        `The registry has no instance called ${plan.unknownInstances.map((c) => codeSpan(c, 40)).join(", ")}.`,
      );
    }
    return;
  }
  const request = { category: plan.category, severity: plan.severity, size: plan.size };
  plan.verdicts = plan.instances.map((code) => judgeInstance(code, request, registry, policy));
  plan.reasons = plan.verdicts.map((v) => v.reason);
  if (plan.sources.severity !== "override" && plan.sources.severity !== "form") {
    plan.reasons.push(`It is ${plan.severity} because ${severityWhy}`);
  }
  plan.outcome = plan.verdicts.some((v) => v.covered) ? "accepted" : "rejected";
}

/**
 * A maintainer's `/accept` or `/reject` replaces the policy's outcome (once the instance is
 * known); an instance's `/job-board` opt-in (and the job a developer took there) holds while
 * the request stays rejected.
 */
function applyPersonDecision(plan: TriagePlan, commanded: Commanded | undefined): void {
  const decision = commanded?.decision;
  if (decision && plan.kind === "instance" && plan.instances.length) {
    plan.decidedBy = decision;
    plan.outcome = decision.outcome;
    plan.missing = [];
    const accepted = decision.outcome === "accepted";
    const why = accepted
      ? `${mention(decision.by)} accepted it into the pipe with \`/accept\`, whatever the tier says.`
      : `${mention(decision.by)} rejected it: ${decision.reason ? plainText(decision.reason, 500) : "no reason given"}.`;
    plan.verdicts = plan.verdicts.map((v) => ({
      ...v,
      covered: accepted,
      instead: accepted ? [] : ["job-board"],
    }));
    plan.reasons = [why, ...plan.reasons];
  }
  plan.jobBoard = plan.outcome === "rejected" && commanded?.jobBoard !== undefined;
  // A job is only a job while its request is on the jobs board.
  if (plan.jobBoard && commanded?.job) plan.job = commanded.job;
}

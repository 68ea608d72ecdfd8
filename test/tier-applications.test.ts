// Tier applications, without GitHub: the evidence each tier asks for (config/tiers.yml), the
// form made from it, what an application lacks, the circle's commands, and the registry edit an
// approval makes (only that instance's lines change; every comment stays).
import { readFileSync } from "node:fs";
import { APPLICATION_FORM_PATH, generateApplicationForm } from "../src/form/generate.js";
import { applyCommands } from "../src/commands/apply.js";
import type { CommandScope } from "../src/commands/draft.js";
import { parseCommands } from "../src/commands/parse.js";
import { loadPolicy } from "../src/registry/policy.js";
import { loadRegistry } from "../src/registry/schema.js";
import { bindingOf, decisionBranch, driftOf } from "../src/tiers/approval.js";
import { planTierIssue } from "../src/tiers/plan.js";
import {
  decodeState,
  encodeState,
  MAX_APPROVED_LINK_CHARS,
  MAX_APPROVED_LINKS,
  MAX_NEW_INSTANCE_WORDS,
  type ApplicationRecord,
  type TierDecision,
} from "../src/triage/state.js";
import { readPullLink, pullLinkLine } from "../src/tiers/comment.js";
import { evidenceLinks, missingNow, readTierIssue } from "../src/tiers/read.js";
import { editRegistry } from "../src/tiers/registry-edit.js";
import { POLICY_TEXT, REGISTRY_TEXT, shippedConfig } from "./helpers/config.js";
import {
  applicationBody,
  applicationForm,
  BASIC_EVIDENCE,
  FULL_EVIDENCE,
  option,
} from "./helpers/tier-application.js";

const { registry, policy } = shippedConfig();
const form = applicationForm(registry, policy);
const LABELS = [policy.reports.application_label];

function read(answers: Record<string, string>, labels = LABELS) {
  const body = applicationBody(form, answers);
  const found = readTierIssue({ body, labels }, registry, policy);
  if (found?.kind !== "application") throw new Error("not read as an application");
  return found;
}

const germany = (tier: "basic" | "full", evidence: Record<string, string>) => ({
  instance: option(form, "instance", "de —"),
  tier: option(form, "tier", tier),
  ...evidence,
});

describe("the evidence each tier asks for is the circle's data", () => {
  test("basic asks for the pledge, team, canvas and commons plan; full also for figures", () => {
    const keys = (tier: "basic" | "full") => policy.applications[tier].map((f) => f.key);
    expect(keys("basic")).toEqual(["pledge", "team", "canvas", "commons"]);
    expect(keys("full")).toEqual([
      ...keys("basic"),
      "users",
      "turnover",
      "fundraising",
      "contributions",
    ]);
  });

  test("a question asked differently by the two tiers is refused where it is written", () => {
    const text = POLICY_TEXT.replace(
      "  full:\n    - { key: pledge, label: Signed pledge, link: true }",
      "  full:\n    - { key: pledge, label: Pledge, link: true }",
    );
    const result = loadPolicy(text);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems[0]?.message).toMatch(/evidence `pledge` is asked differently/);
  });
});

describe("the Tier application form", () => {
  test("lists the registry's instances and a new one, the tier, and every question once", () => {
    const ids = form.body.filter((f) => f.type !== "markdown").map((f) => f.id);
    expect(ids).toEqual([
      "instance",
      ...["code", "name", "hosts", "aliases", "tier"],
      ...["pledge", "team", "canvas", "commons", "users", "turnover", "fundraising"],
      "contributions",
    ]);
    expect(form.labels).toEqual(["tier-application"]);
    expect(option(form, "instance", "A new instance")).toBeDefined();
  });

  test("each question says which tiers ask it", () => {
    const label = (id: string) => form.body.find((f) => f.id === id)?.attributes.label;
    expect(label("pledge")).toBe("Signed pledge (basic and full)");
    expect(label("users")).toBe("Users (full)");
  });

  test("the committed form matches (regenerate with `sysadmin-pipe form --application --write`)", () => {
    const committed = readFileSync(new URL(`../${APPLICATION_FORM_PATH}`, import.meta.url), "utf8");
    expect(committed).toBe(generateApplicationForm(registry, policy));
  });
});

describe("what an application lacks", () => {
  test("complete evidence for full: nothing is missing, and the links are the evidence", () => {
    const application = read(germany("full", FULL_EVIDENCE));
    expect(application.code).toBe("de");
    expect(application.tier).toBe("full");
    expect(missingNow(application)).toEqual([]);
    expect(evidenceLinks(application)).toEqual([
      "https://ofn.example.org/de/pledge.pdf",
      "https://ofn.example.org/de/canvas",
      "https://ofn.example.org/de/grant",
    ]);
  });

  test("basic evidence for a full application: the full-only questions are missing", () => {
    const application = read(germany("full", BASIC_EVIDENCE));
    expect(missingNow(application)).toEqual([
      "**Users**: not given",
      "**Turnover**: not given",
      "**Fundraising**: not given",
      "**Contributions to the commons so far**: not given",
    ]);
    expect(application.missing.basic).toEqual([]);
  });

  test("a question that needs a link is not answered by prose", () => {
    const application = read(germany("basic", { ...BASIC_EVIDENCE, canvas: "We have one." }));
    expect(missingNow(application)).toEqual([
      "**Business-model canvas**: a link is needed (https://…)",
    ]);
  });

  test("a new instance needs a free code and a name; its hosts must be host names of its own", () => {
    const application = read({
      instance: option(form, "instance", "A new instance"),
      code: "de",
      hosts: "openfoodnetwork.de, not a host",
      tier: option(form, "tier", "basic"),
      ...BASIC_EVIDENCE,
    });
    expect(missingNow(application)).toEqual([
      "**New instance: code**: `de` is already the code of Open Food Network Germany: pick that instance above, or another code",
      "**New instance: name**: the instance's name",
      "**New instance: hosts**: `openfoodnetwork.de` already belongs to `de`",
      "**New instance: hosts**: `not` is not a host name like openfoodnetwork.org.uk",
      "**New instance: hosts**: `a` is not a host name like openfoodnetwork.org.uk",
      "**New instance: hosts**: `host` is not a host name like openfoodnetwork.org.uk",
    ]);
  });

  test("a new instance's aliases and name are refused when another instance is known by them, or when they carry markup or a mention, saying why without echoing them", () => {
    const application = read({
      instance: option(form, "instance", "A new instance"),
      code: "pt",
      name: "Open Food Network Portugal",
      hosts: "openfoodnetwork.pt",
      aliases: "Portugal, UK, France, FR, Katuma, <!channel> @openfoodfoundation/sysadmins",
      tier: option(form, "tier", "basic"),
      ...BASIC_EVIDENCE,
    });
    expect(missingNow(application)).toEqual([
      "**New instance: aliases**: `UK` is already the code of `uk`; triage could not tell the two instances apart",
      "**New instance: aliases**: `France` is already an alias of `fr`; triage could not tell the two instances apart",
      "**New instance: aliases**: `FR` is already the code of `fr`; triage could not tell the two instances apart",
      "**New instance: aliases**: `Katuma` is already an alias of `es`; triage could not tell the two instances apart",
      "**New instance: aliases**: alias 6 must be plain words (letters, digits, spaces and . ' & ( ) / -); it has `<` or `>` (markup, or a chat control word like `<!channel>`), `!` (chat control words like `<!here>`), `@` (a mention)",
    ]);
    const named = read({
      instance: option(form, "instance", "A new instance"),
      code: "katuma",
      name: "Open Food Network UK",
      hosts: "openfoodnetwork.pt",
      tier: option(form, "tier", "basic"),
      ...BASIC_EVIDENCE,
    });
    expect(missingNow(named)).toEqual([
      "**New instance: code**: `katuma` is already an alias of `es`: pick another code",
      "**New instance: name**: `Open Food Network UK` is already the name of `uk`; triage could not tell the two instances apart",
    ]);
  });

  test("an issue made with the form is an application even without its label", () => {
    const body = applicationBody(form, germany("basic", BASIC_EVIDENCE));
    expect(readTierIssue({ body, labels: [] }, registry, policy)?.kind).toBe("application");
    expect(readTierIssue({ body: "UK is down", labels: [] }, registry, policy)).toBeUndefined();
  });
});

describe("the circle's commands", () => {
  const binding = bindingOf(read(germany("full", FULL_EVIDENCE)))!;
  const scope = (missing: string[] = [], edited?: string) => ({
    instances: [],
    outcome: "undecided",
    tier: {
      kind: "application" as const,
      missing: { basic: [], full: missing },
      binding,
      ...(edited ? { edited } : {}),
    },
  });
  const run = (
    body: string,
    actor: { circle?: boolean; maintainer: boolean },
    tier: CommandScope = scope(),
  ) => {
    const parsed = parseCommands(body);
    return applyCommands(parsed.commands, parsed.problems, {
      actor: { login: "someone", ...actor },
      scope: tier,
      previous: undefined,
      labels: [],
      registry,
      policy,
      // Handled just after midnight (a retry, say): the approval keeps its comment's day.
      now: "2026-11-26T00:00:05Z",
      writtenOn: "2026-11-25",
      comment: 4242,
    });
  };

  test("a circle member approves; the decision records what was approved, for the app to act on", () => {
    const outcome = run("/approve-tier full", { circle: true, maintainer: false });
    expect(outcome.results).toEqual([{ what: "/approve-tier full", status: "done" }]);
    expect(outcome.state.commanded?.tier).toEqual({
      outcome: "approved",
      tier: "full",
      by: "someone",
      approved: {
        kind: "application",
        code: "de",
        asked: "full",
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
        evidence: [
          "https://ofn.example.org/de/pledge.pdf",
          "https://ofn.example.org/de/canvas",
          "https://ofn.example.org/de/grant",
        ],
        comment: 4242,
        on: "2026-11-25",
      },
    });
  });

  test("an approval of an application edited after the approver's comment is refused, saying what changed", () => {
    const outcome = run(
      "/approve-tier full",
      { circle: true, maintainer: false },
      scope([], "its instance (`nz` → `de`)"),
    );
    expect(outcome.results[0]).toEqual({
      what: "/approve-tier full",
      status: "invalid",
      message:
        "the application was edited after your comment (its instance (`nz` → `de`)): read it again, then approve again",
    });
    expect(outcome.state.commanded?.tier).toBeUndefined();
  });

  test("a maintainer who is not in the circle may not decide a tier", () => {
    const outcome = run("/approve-tier full", { maintainer: true });
    expect(outcome.results[0]).toMatchObject({
      status: "refused",
      message:
        "only members of the instance-managers circle's team can use `/approve-tier basic|full`",
    });
  });

  test("approving a tier the evidence does not support is refused, saying what is missing", () => {
    const outcome = run(
      "/approve-tier full",
      { circle: true, maintainer: false },
      scope(["**Users**: not given"]),
    );
    expect(outcome.results[0]).toEqual({
      what: "/approve-tier full",
      status: "invalid",
      message: "it lacks what the full tier needs: **Users**: not given",
    });
  });

  test("tier commands are for tier issues; triage commands are not for tier issues", () => {
    const request = { instances: ["uk"], outcome: "accepted" };
    const onRequest = run("/decline-tier no", { circle: true, maintainer: true }, request);
    expect(onRequest.results[0]?.message).toBe(
      "`/decline-tier` is for tier applications and tier reviews only",
    );
    const onApplication = run("/severity S1", { maintainer: true });
    expect(onApplication.results[0]?.message).toMatch(
      /^this is a tier application or review: only `\/approve-tier`, `\/decline-tier`, `\/help` apply here$/,
    );
  });

  test("/decline-tier needs a reason: it is what the applicant reads", () => {
    expect(parseCommands("/decline-tier").problems[0]?.message).toMatch(/^say why/);
  });
});

describe("the registry edit an approval makes", () => {
  const approval = {
    code: "de",
    tier: "full" as const,
    reviewed: "2026-11-25",
    evidence: ["https://ofn.example.org/de/pledge.pdf", "https://ofn.example.org/de/canvas"],
  };
  const comments = (text: string) =>
    text.split("\n").flatMap((line) => (/#\s?(.*)$/.exec(line)?.[1] ? [line] : []));

  /** Lines removed and added, in order (a plain line diff: the files are short). */
  function changedLines(before: string, after: string) {
    const a = before.split("\n");
    const b = after.split("\n");
    let start = 0;
    while (start < a.length && a[start] === b[start]) start++;
    let end = 0;
    while (end < a.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
    return { removed: a.slice(start, a.length - end), added: b.slice(start, b.length - end) };
  }

  test("only that instance's lines change, and every other comment of the file stays", () => {
    const result = editRegistry(REGISTRY_TEXT, approval);
    if (!result.ok) throw new Error(result.problem);
    expect(changedLines(REGISTRY_TEXT, result.text)).toEqual({
      // A plain line diff from the first to the last changed line: de's hosts and aliases are
      // unchanged between its tier and its new fields.
      removed: [
        "    tier: basic # example",
        "    hosts: [openfoodnetwork.de]",
        "    aliases: [Germany, German, DE, Deutschland, deutsche Instanz]",
      ],
      added: [
        "    tier: full",
        "    hosts: [openfoodnetwork.de]",
        "    aliases: [Germany, German, DE, Deutschland, deutsche Instanz]",
        "    reviewed: 2026-11-25",
        "    review_every_months: 12",
        "    evidence:",
        "      - https://ofn.example.org/de/pledge.pdf",
        "      - https://ofn.example.org/de/canvas",
      ],
    });
    // Every comment of the file stays but de's `# example` mark, which the file asks the circle
    // to remove when it decides: this is that decision.
    const lines = REGISTRY_TEXT.split("\n");
    const deTier = lines.indexOf("  de:") + 2;
    expect(lines[deTier]).toBe("    tier: basic # example");
    expect(comments(result.text)).toEqual(
      comments(lines.filter((_, i) => i !== deTier).join("\n")),
    );
    const after = loadRegistry(result.text);
    expect(after.ok && after.value.instances.de).toMatchObject({
      tier: "full",
      reviewed: "2026-11-25",
      review_every_months: 12,
      evidence: approval.evidence,
    });
  });

  test("evidence already on file is kept, the review interval too; the new links are added", () => {
    const text = `# The registry.
instances:
    # Germany, decided in 2025.
    de:
        name: Open Food Network Germany
        tier: basic
        hosts: [ openfoodnetwork.de ] # production only
        aliases: [Germany]
        reviewed: 2025-05-01
        review_every_months: 6
        evidence: [https://old.example.org/pledge]
    uk:
        name: "Open Food Network UK"
        tier: full
        hosts: [ openfoodnetwork.org.uk ]
        aliases: [UK]
`;
    const result = editRegistry(text, approval);
    if (!result.ok) throw new Error(result.problem);
    const { removed, added } = changedLines(text, result.text);
    expect(removed.join("\n")).toMatch(/tier: basic[\s\S]*evidence/);
    expect(added.join("\n")).toMatch(/tier: full/);
    expect(result.text).toContain("    # Germany, decided in 2025.\n    de:\n");
    expect(result.text).toContain("# production only");
    expect(result.text.endsWith(text.slice(text.indexOf("    uk:")))).toBe(true);
    const after = loadRegistry(result.text);
    expect(after.ok && after.value.instances.de).toMatchObject({
      tier: "full",
      reviewed: "2026-11-25",
      review_every_months: 6,
      evidence: ["https://old.example.org/pledge", ...approval.evidence],
    });
  });

  test("a new instance gets an entry with its name, hosts and aliases, after the others", () => {
    const result = editRegistry(REGISTRY_TEXT, {
      code: "pt",
      tier: "basic",
      reviewed: "2026-11-25",
      evidence: [],
      newInstance: {
        name: "Open Food Network Portugal",
        hosts: ["openfoodnetwork.pt"],
        aliases: ["Portugal", "PT"],
      },
    });
    if (!result.ok) throw new Error(result.problem);
    expect(result.text).toBe(
      `${REGISTRY_TEXT}  pt:
    name: Open Food Network Portugal
    tier: basic
    hosts: [openfoodnetwork.pt]
    aliases: [Portugal, PT]
    reviewed: 2026-11-25
    review_every_months: 12
`,
    );
  });

  test("an instance the registry lacks, or a new one whose code is taken, is refused", () => {
    expect(editRegistry(REGISTRY_TEXT, { ...approval, code: "xx" })).toEqual({
      ok: false,
      problem: "the registry has no instance `xx`",
    });
    const taken = { ...approval, newInstance: { name: "Other", hosts: [], aliases: [] } };
    expect(editRegistry(REGISTRY_TEXT, taken)).toEqual({
      ok: false,
      problem: "`de` is already in the registry",
    });
  });

  test("the pull request's body links its issue, and the link is read back", () => {
    const line = pullLinkLine("application", "openfoodfoundation/ofn-install", 42);
    expect(line).toBe("Tier application: openfoodfoundation/ofn-install#42");
    expect(readPullLink(`${line}\n\nApproved by @someone.`)).toEqual({
      kind: "application",
      repo: "openfoodfoundation/ofn-install",
      number: 42,
    });
    expect(readPullLink("Fixes openfoodfoundation/ofn-install#42")).toBeUndefined();
  });
});

describe("an approval is bound to what the circle approved", () => {
  const pt = {
    instance: option(form, "instance", "A new instance"),
    code: "pt",
    name: "Open Food Network Portugal",
    hosts: "openfoodnetwork.pt",
    aliases: "Portugal",
    tier: option(form, "tier", "basic"),
    ...BASIC_EVIDENCE,
  };
  const approvedFor = (answers: Record<string, string>, tier: "basic" | "full" = "basic") => ({
    outcome: "approved" as const,
    tier,
    by: "circle-member",
    approved: { ...bindingOf(read(answers))!, comment: 7, on: "2026-11-25" },
  });
  const previousWith = (decision: TierDecision, application: ApplicationRecord = {}) => ({
    v: 1 as const,
    applied: [],
    suppressed: [],
    overrides: {},
    commanded: { overrides: {}, tier: decision },
    application,
  });
  const plan = (answers: Record<string, string>, decision: TierDecision, record = {}) =>
    planTierIssue({
      read: read(answers),
      labels: LABELS,
      previous: previousWith(decision, record),
      state: "open",
      registry,
      policy,
    });

  test("the registry change is built from the record, never from the issue as it reads later", () => {
    const decision = approvedFor(pt);
    // What the record holds is what the pull request gets, whatever the body's links say now.
    decision.approved.evidence = ["https://recorded.example.org/pledge"];
    const act = plan(pt, decision).act;
    expect(act).toEqual({
      kind: "approve",
      decision,
      openPull: true,
      change: {
        code: "pt",
        tier: "basic",
        reviewed: "2026-11-25",
        evidence: ["https://recorded.example.org/pledge"],
        newInstance: {
          name: "Open Food Network Portugal",
          hosts: ["openfoodnetwork.pt"],
          aliases: ["Portugal"],
        },
      },
    });
  });

  test.each([
    ["another instance", { ...germany("basic", BASIC_EVIDENCE) }, "its instance (`pt` → `de`)"],
    [
      "another tier asked",
      { ...pt, tier: option(form, "tier", "full") },
      "the tier it asks (basic → full)",
    ],
    ["changed evidence", { ...pt, team: "Just me." }, "its evidence"],
    [
      "another host",
      { ...pt, hosts: "openfoodnetwork.pt, evil.example.org" },
      "the new instance's name, hosts or aliases",
    ],
  ])(
    "an application edited after approval (%s) makes the approval void, saying what changed",
    (_what, edited, drift) => {
      const decision = approvedFor(pt);
      const planned = plan(edited, decision, {
        pull: { repo: "o/r", number: 5 },
        told: "approved",
      });
      expect(planned.act).toEqual({
        kind: "void",
        decision,
        why: `the application changed after it was approved: ${drift}`,
      });
      expect(driftOf(decision.approved, read(edited))).toBe(drift);
    },
  );

  test("an application that reads as approved keeps its approval; a merged one is never voided", () => {
    const decision = approvedFor(pt);
    expect(
      plan(pt, decision, { pull: { repo: "o/r", number: 5 }, told: "approved" }).act,
    ).toBeUndefined();
    const moved = germany("basic", BASIC_EVIDENCE);
    expect(
      plan(moved, decision, { pull: { repo: "o/r", number: 5 }, told: "approved", merged: true })
        .act,
    ).toBeUndefined();
  });

  test("an approval recorded before approvals were bound (an older app) is void: nothing shows what it was for", () => {
    const old = { outcome: "approved" as const, tier: "basic" as const, by: "circle-member" };
    const planned = plan(pt, old, { pull: { repo: "o/r", number: 5 }, told: "approved" });
    expect(planned.act).toMatchObject({
      kind: "void",
      why: expect.stringMatching(/did not record what that approval was for/),
    });
    // A decline needs no binding: nothing is built from it.
    expect(plan(pt, { outcome: "declined", by: "circle-member", reason: "no" }).act).toMatchObject({
      kind: "decline",
    });
  });

  test("each decision has its own key and branch; the same decision always the same", () => {
    const where = { repo: "openfoodfoundation/ofn-install", number: 42 };
    const first = approvedFor(pt);
    const again = approvedFor(pt);
    const later = { ...approvedFor(pt), approved: { ...first.approved, comment: 8 } };
    expect(decisionBranch(first, where)).toBe(decisionBranch(again, where));
    expect(decisionBranch(first, where)).toMatch(
      /^sysadmin-pipe\/tier-application-ofn-install-42-[0-9a-f]{12}$/,
    );
    expect(decisionBranch(later, where)).not.toBe(decisionBranch(first, where));
  });
});

describe("the recorded state", () => {
  const state = (tier: unknown) =>
    `<!-- sysadmin-pipe -->\n<!-- sysadmin-pipe:state ${JSON.stringify({ v: 1, applied: [], commanded: { overrides: {}, tier } })} -->`;

  test("an approval recorded by an older app (no record of what was approved) still loads", () => {
    expect(
      decodeState(state({ outcome: "approved", tier: "full", by: "x" }))?.commanded?.tier,
    ).toEqual({
      outcome: "approved",
      tier: "full",
      by: "x",
    });
  });

  test("the largest approval the schema allows, of the worst characters, still fits the bot comment and reads back whole", () => {
    // `--` is written `-\u002d` inside the HTML comment: dashes are the costliest characters.
    const dashes = (n: number) => `a${"-".repeat(n - 2)}b`;
    const approved = {
      kind: "application" as const,
      code: "pt",
      asked: "full" as const,
      digest: "f".repeat(64),
      evidence: Array.from({ length: MAX_APPROVED_LINKS }, () => dashes(MAX_APPROVED_LINK_CHARS)),
      newInstance: {
        name: dashes(100),
        hosts: Array.from({ length: MAX_NEW_INSTANCE_WORDS }, () => dashes(253)),
        aliases: Array.from({ length: MAX_NEW_INSTANCE_WORDS }, () => dashes(60)),
      },
      comment: 1,
      on: "2026-11-25",
    };
    const state = {
      v: 1 as const,
      applied: [],
      suppressed: [],
      overrides: {},
      commanded: {
        overrides: {},
        tier: { outcome: "approved" as const, tier: "full" as const, by: "x", approved },
      },
    };
    const encoded = encodeState(state);
    expect(encoded.length).toBeLessThan(50_000); // GitHub's limit is 65,536 for the whole comment
    expect(decodeState(encoded)?.commanded?.tier?.approved).toEqual(approved);
  });

  test("an approval record outside the schema, or a state too long to be the app's, is not trusted", () => {
    const approved = {
      kind: "application",
      code: "de",
      digest: "0".repeat(64),
      evidence: [],
      on: "2026-11-25",
    };
    expect(decodeState(state({ outcome: "approved", by: "x", approved }))).toBeDefined();
    expect(
      decodeState(
        state({ outcome: "approved", by: "x", approved: { ...approved, code: "__proto__" } }),
      ),
    ).toBeUndefined();
    const links = Array.from({ length: 21 }, (_, i) => `https://x.example/${i}`);
    expect(
      decodeState(
        state({ outcome: "approved", by: "x", approved: { ...approved, evidence: links } }),
      ),
    ).toBeUndefined();
    expect(
      decodeState(state({ outcome: "declined", by: "x", reason: "y", pad: "z".repeat(50_000) })),
    ).toBeUndefined();
  });
});

// Hostile text in, nothing unmeant out: each renderer is fed generated hostile strings (backtick
// runs, mentions, Slack's words, HTML, links, images, pipes, line breaks, references, addresses,
// entities, Unicode) wherever it echoes outside text, and what it writes is parsed. Every link,
// image, HTML tag, mention, reference or bare address in it must be one the renderer also makes
// from harmless words (or an evidence link it means to show). Then the rows of issue 22: the
// exact inputs that hijacked a reply, a comment, a pull request body and an invoice before.
import fc from "fast-check";
import { applyCommands, type CommandContext } from "../src/commands/apply.js";
import { parseCommands } from "../src/commands/parse.js";
import { renderReply } from "../src/commands/reply.js";
import type { TriageConfig } from "../src/registry/triage-config.js";
import { affectedRequests, type AffectedRequest } from "../src/features/registry-check/affected.js";
import { checkReport } from "../src/features/registry-check/check-report.js";
import { diffConfigs } from "../src/features/registry-check/diff.js";
import { loadRegistry, type Registry } from "../src/registry/schema.js";
import { buildInvoice, renderInvoice, type JobRecord } from "../src/report/invoice.js";
import { loadReport, renderLoadReport, type PipeRecord } from "../src/report/load.js";
import { parsePeriod } from "../src/report/period.js";
import { dueReviews, renderReviewIssue } from "../src/report/reviews.js";
import { declineNote, pullText, renderTierComment } from "../src/tiers/comment.js";
import { evidenceLinks, readTierIssue, type TierIssue } from "../src/tiers/read.js";
import { alertsFor } from "../src/triage/alerts.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import { nextState } from "../src/triage/state.js";
import type { RecordedState, TierDecision } from "../src/triage/state.js";
import { shippedConfig, withTiers } from "./helpers/config.js";
import { markdownEffects, unmeantChatEffects, unmeantEffects } from "./helpers/markup-effects.js";
import {
  applicationBody,
  applicationForm,
  BASIC_EVIDENCE,
  option,
} from "./helpers/tier-application.js";
import { hostileText } from "./helpers/hostile-text.js";

const shipped = shippedConfig();
const { policy } = shipped;
const RUNS = { numRuns: 120, seed: 20261207 };
const Q4 = parsePeriod("2026-Q4")!;
const REPO = "openfoodfoundation/ofn-install";
const ISSUE_URL = `https://github.com/${REPO}/issues/7`;
const EVIL = "x](https://evil.example) [y";

/** Some hostile strings, one per place a renderer echoes outside text. */
const hostile = (n: number) => fc.array(hostileText, { minLength: n, maxLength: n });
/** The same places filled with plain words: what the renderer means. */
const harmless = (n: number) => Array.from({ length: n }, (_, i) => `plain words ${i}`);

/** A registry whose France entry an applicant wrote: name and aliases are outside text. */
const registryWith = (name: string, alias: string): Registry =>
  withTiers(shipped.registry, {
    fr: { tier: "full", managers: ["fr-manager"], name, aliases: [alias] },
    be: { tier: "basic", managers: ["be-manager"] },
  });

/** Each renderer must do nothing more with hostile text than with harmless words. */
function expectNothingUnmeant(
  n: number,
  render: (texts: string[]) => string,
  meant: (texts: string[]) => string[] = () => [],
) {
  const wanted = render(harmless(n));
  fc.assert(
    fc.property(hostile(n), (texts) => {
      expect(unmeantEffects(render(texts), wanted, meant(texts))).toEqual([]);
    }),
    RUNS,
  );
}

// ---------- the renderers ----------

const COMMAND_CTX: CommandContext = {
  actor: { login: "passer-by", maintainer: false },
  scope: { author: "reporter", instances: ["fr"], outcome: "accepted" },
  previous: { v: 1, applied: [], suppressed: [], overrides: {}, outcome: "accepted" },
  labels: [],
  registry: registryWith("CoopCircuits (France)", "France"),
  policy,
};

/** The reply to a comment whose commands carry the hostile text (anyone can write one). */
function commandReply([a, b, c, d]: string[]) {
  const body = [`/spent ${a}`, `/estimate ${b}`, `/instance ${c}`, `/category ${d}`].join("\n");
  const parsed = parseCommands(body);
  const outcome = applyCommands(parsed.commands, parsed.problems, {
    ...COMMAND_CTX,
    actor: { login: "sysadmin-dev", maintainer: true },
  });
  return renderReply(outcome.results, false, "passer-by") ?? "";
}

/** The bot comment of a request: a person's /reject reason, an applicant-written registry
 * entry, an issue title and body, a form's instance answer that the registry lacks. */
function requestComment([title, body, name, alias, reason, unknown]: string[]) {
  const registry = registryWith(name!, alias!);
  const previous = (commanded: RecordedState["commanded"]): RecordedState => ({
    v: 1,
    applied: [],
    suppressed: [],
    overrides: {},
    commanded,
  });
  const overrides = { instances: ["fr"], category: "email" as const, severity: "S2" as const };
  const inputs = [
    // Rejected by a maintainer, with the reason they gave.
    previous({ overrides, decision: { outcome: "rejected", by: "sysadmin-dev", reason } }),
    // On the jobs board, taken and agreed.
    previous({
      overrides: { ...overrides, instances: ["fr", "be"] },
      decision: { outcome: "rejected", by: "sysadmin-dev", reason },
      jobBoard: { by: "fr-manager" },
      job: { taker: "jobs-dev", estimate: 60, agreed: { by: "fr-manager", instances: ["be"] } },
    }),
    // Accepted as an S0 (the team is mentioned).
    previous({ overrides: { ...overrides, severity: "S0" } }),
    // Naming an instance the registry does not have.
    previous({ overrides: { ...overrides, instances: [unknown!] } }),
  ];
  return inputs
    .map((p) => {
      const plan = decide(
        { repo: REPO, title: title!, body: body!, labels: [], previous: p },
        registry,
        policy,
      );
      const state = {
        ...nextState(plan, { labels: [] }, { deliveryId: "d" }),
        commanded: p.commanded,
      };
      return renderComment(plan, state, registry, { s0Team: "openfoodfoundation/sysadmins" });
    })
    .join("\n\n---\n\n");
}

const form = applicationForm(shipped.registry, policy);

/** A tier application as GitHub writes it from the form, every answer the applicant's. */
function application([code, name, hosts, aliases, pledge, team, canvas, commons]: string[]) {
  const body = applicationBody(form, {
    instance: option(form, "instance", "A new instance"),
    code: code!,
    name: name!,
    hosts: hosts!,
    aliases: aliases!,
    tier: option(form, "tier", "basic"),
    pledge: pledge!,
    team: team!,
    canvas: canvas!,
    commons: commons!,
  });
  const read = readTierIssue(
    { body, labels: [policy.reports.application_label] },
    shipped.registry,
    policy,
  );
  if (read?.kind !== "application") throw new Error("not read as an application");
  return read;
}

const declined = (reason: string): TierDecision => ({
  outcome: "declined",
  by: "circle-member",
  reason,
});
const approved: TierDecision = { outcome: "approved", tier: "basic", by: "circle-member" };

/** The application's bot comment, waiting and then declined, and the note to the applicant. */
function tierComment(texts: string[]) {
  const read = application(texts);
  const base: RecordedState = { v: 1, applied: [], suppressed: [], overrides: {} };
  const waiting = renderTierComment({
    read,
    registry: shipped.registry,
    policy,
    state: base,
    mention: "openfoodfoundation/instance-managers",
  });
  const decision = declined(texts[8]!);
  const state = { ...base, commanded: { overrides: {}, tier: decision } };
  const done = renderTierComment({ read, registry: shipped.registry, policy, state });
  const note = declineNote(read, decision, {}, shipped.registry, "applicant");
  return [waiting, done, note].join("\n\n---\n\n");
}

/** The registry pull request's body for an approved application. */
function registryPullBody(read: TierIssue) {
  const newInstance =
    read.kind === "application" && read.newInstance
      ? {
          name: read.newInstance.name ?? "",
          hosts: read.newInstance.hosts,
          aliases: read.newInstance.aliases,
        }
      : undefined;
  const change = {
    code: read.code ?? "xx",
    tier: "basic" as const,
    reviewed: "2026-12-06",
    evidence: evidenceLinks(read),
    ...(newInstance ? { newInstance } : {}),
  };
  // What the approval recorded (the body is built from the record, never the issue as read).
  const record = {
    kind: read.kind,
    code: change.code,
    digest: "0".repeat(64),
    evidence: change.evidence,
    on: change.reviewed,
    ...(newInstance ? { newInstance } : {}),
  };
  const text = pullText(record, change, approved, { repo: REPO, number: 12 }, shipped.registry);
  // The title is plain text on GitHub (no link or mention is made in it): one line is enough.
  expect(text.title).not.toMatch(/[\r\n]/);
  return text.body;
}

/** The load report of a period whose requests carry hostile labels, codes and names. */
function loadMarkdown([name, alias, code, category]: string[]) {
  const registry = registryWith(name!, alias!);
  const record = (fields: Partial<PipeRecord>): PipeRecord => ({
    repo: REPO,
    number: 1,
    title: "a title",
    createdAt: "2026-11-02T10:00:00Z",
    instances: ["fr"],
    severity: "S2",
    size: "S",
    category: "email",
    outcome: "accepted",
    jobBoard: false,
    entries: [
      { by: "dev", at: "2026-11-02T11:00:00Z", minutes: 90, bucket: "pipe" },
      { by: "dev", at: "2026-11-02T11:00:00Z", minutes: 30, bucket: "jobs" },
    ],
    ...fields,
  });
  const records = [record({}), record({ number: 2, instances: [code!], category: category! })];
  return renderLoadReport(loadReport(records, Q4, registry, policy, Q4.end));
}

/** The invoice of a period: titles, logins and names from GitHub and the registry. */
function invoiceMarkdown([title, developer, agreedBy, name, alias]: string[]) {
  const job = (fields: Partial<JobRecord>): JobRecord => ({
    repo: REPO,
    number: 1,
    title: title!,
    url: ISSUE_URL,
    instances: ["fr"],
    developer: developer!,
    estimateMinutes: 360,
    agreed: { by: agreedBy!, at: "2026-10-05T09:00:00.000Z" },
    doneAt: "2026-11-20T16:00:00.000Z",
    price: { per: "hour", minor: 4500, currency: "EUR" },
    entries: [{ at: "2026-11-20T15:00:00.000Z", minutes: 150 }],
    ...fields,
  });
  const jobs = [job({}), job({ number: 2, instances: ["zz"], agreed: undefined })];
  return renderInvoice(buildInvoice(jobs, Q4, registryWith(name!, alias!)));
}

/** The issue that asks the circle to review a tier, with the evidence on file. */
function reviewText([name, alias, evidence]: string[]) {
  const registry = withTiers(registryWith(name!, alias!), {
    fr: { evidence: [evidence!, "https://example.org/fr-pledge"] },
  });
  const due = dueReviews(registry, "2026-12-06").find((d) => d.code === "fr")!;
  const load = loadReport([], Q4, registry, policy, Q4.end);
  return renderReviewIssue(due, load, "openfoodfoundation/instance-managers");
}

/** The Tier registry check's summary on a pull request that changes the registry. */
function checkSummary([name, value, key, evidence, title]: string[]) {
  const old: TriageConfig = { registry: shipped.registry, policy };
  const registry = withTiers(shipped.registry, {
    be: { tier: "full", name: name!, evidence: [evidence!] },
  });
  const bad = loadRegistry(
    `instances:\n  fr:\n    name: ${JSON.stringify(value)}\n    tier: ${JSON.stringify(value)}\n    ${JSON.stringify(key)}: 1\n  ${JSON.stringify(key)}: 5\n`,
  );
  const problems = bad.ok ? [] : bad.problems;
  const affected: AffectedRequest[] = [
    ...affectedRequests(
      [
        {
          repo: REPO,
          number: 21,
          title: title!,
          body: "Belgian DNS records",
          labels: [],
          url: ISSUE_URL,
        },
      ],
      old,
      { registry, policy },
    ),
    {
      repo: REPO,
      number: 22,
      title: title!,
      url: ISSUE_URL,
      before: "accepted",
      after: "rejected",
      removedInstances: [key!],
    },
  ];
  return checkReport(problems, diffConfigs(old, { registry, policy }), affected).summary;
}

/** The chat message of an accepted S0: an issue title and an applicant-written name. */
function chatAlert([title, name, alias]: string[]) {
  const registry = registryWith(name!, alias!);
  const previous: RecordedState = {
    v: 1,
    applied: [],
    suppressed: [],
    overrides: {},
    commanded: { overrides: { instances: ["fr"], category: "outage", severity: "S0" } },
  };
  const plan = decide(
    { repo: REPO, title: title!, body: "", labels: [], previous },
    registry,
    policy,
  );
  return alertsFor(plan, undefined, { url: ISSUE_URL, title: title! }, registry)
    .map((a) => a.text)
    .join("\n");
}

// ---------- the properties ----------

describe("hostile text fed to each renderer makes nothing that was not meant", () => {
  test("the reply to a comment's commands", () => {
    expectNothingUnmeant(4, commandReply);
  });

  test("the bot comment of a request (rejected, jobs board, S0, unknown instance)", () => {
    expectNothingUnmeant(6, requestComment);
  });

  test("the bot comment of a tier application, and the note of a decline", () => {
    expectNothingUnmeant(9, tierComment, (texts) => evidenceLinks(application(texts)));
  });

  test("the registry pull request's title and body", () => {
    expectNothingUnmeant(
      8,
      (texts) => registryPullBody(application(texts)),
      (texts) => evidenceLinks(application(texts)),
    );
  });

  test("the load report", () => {
    expectNothingUnmeant(4, loadMarkdown);
  });

  test("the invoice's Markdown", () => {
    expectNothingUnmeant(5, invoiceMarkdown);
  });

  test("the issue that asks for a tier review", () => {
    expectNothingUnmeant(3, reviewText, ([, , evidence]) => [evidence!]);
  });

  test("the Tier registry check's summary", () => {
    expectNothingUnmeant(5, checkSummary, ([, , , evidence]) => [evidence!]);
  });

  test("the chat message of an accepted S0", () => {
    const wanted = chatAlert(harmless(3));
    fc.assert(
      fc.property(hostile(3), (texts) => {
        expect(unmeantChatEffects(chatAlert(texts), wanted)).toEqual([]);
      }),
      RUNS,
    );
  });
});

// ---------- the rows of issue 22 ----------

describe("row 8: a reply quotes a malformed command whole", () => {
  const reply = () => {
    const parsed = parseCommands("/spent a` @openfoodfoundation/sysadmins ping");
    const outcome = applyCommands(parsed.commands, parsed.problems, COMMAND_CTX);
    return renderReply(outcome.results, false, "passer-by")!;
  };

  test("`/spent a\\` @openfoodfoundation/sysadmins ping`: the team is not mentioned, only the commenter", () => {
    const effects = markdownEffects(reply());
    expect(effects.mentions).toEqual(["passer-by"]);
    expect([...effects.links, ...effects.html, ...effects.references]).toEqual([]);
  });

  test("what they wrote is shown as written, in code", () => {
    expect(reply()).toContain(
      "- ``/spent a` @openfoodfoundation/sysadmins ping``: ``a` @openfoodfoundation/sysadmins ping`` is not a duration",
    );
  });
});

describe("rows 6 and 11: a name two instances share is quoted inert by the Tier registry check", () => {
  test("two instances named ``x` @openfoodfoundation/sysadmins `y``: the problem mentions no one", () => {
    const name = "x` @openfoodfoundation/sysadmins `y";
    const text = `instances:\n  aa:\n    name: ${JSON.stringify(name)}\n    tier: full\n  bb:\n    name: ${JSON.stringify(name)}\n    tier: full\n`;
    const loaded = loadRegistry(text);
    expect(loaded.ok).toBe(false);
    const summary = checkReport(loaded.ok ? [] : loaded.problems, undefined, undefined).summary;
    const effects = markdownEffects(summary);
    expect([...effects.mentions, ...effects.links.map((l) => l.href), ...effects.html]).toEqual([]);
  });
});

describe("row 11: `x](https://evil.example) [y` never becomes a link", () => {
  /** Where the text links to: its links, and the bare addresses GitHub would link. */
  const links = (markdown: string) => {
    const effects = markdownEffects(markdown);
    return [...effects.links.map((l) => l.href), ...effects.autolinks];
  };

  test("as a new instance's name: in the bot comment and the registry pull request", () => {
    const read = application([
      "pt",
      EVIL,
      "openfoodnetwork.pt",
      "Portugal",
      ...Object.values(BASIC_EVIDENCE),
    ]);
    const state: RecordedState = { v: 1, applied: [], suppressed: [], overrides: {} };
    const comment = renderTierComment({ read, registry: shipped.registry, policy, state });
    expect(links(comment)).toEqual([
      "https://ofn.example.org/de/pledge.pdf",
      "https://ofn.example.org/de/canvas",
    ]);
    expect(comment).toContain("x\\](`https://evil.example`) \\[y (`pt`)");
    const pull = registryPullBody(read);
    expect(links(pull)).toEqual([
      "https://ofn.example.org/de/pledge.pdf",
      "https://ofn.example.org/de/canvas",
    ]);
  });

  test("as the circle's decline reason: in the bot comment and the note to the applicant", () => {
    const read = application([
      "pt",
      "Open Food Portugal",
      "openfoodnetwork.pt",
      "Portugal",
      "",
      "",
      "",
      "",
    ]);
    const decision = declined(EVIL);
    const state: RecordedState = {
      v: 1,
      applied: [],
      suppressed: [],
      overrides: {},
      commanded: { overrides: {}, tier: decision },
    };
    const comment = renderTierComment({ read, registry: shipped.registry, policy, state });
    const note = declineNote(read, decision, {}, shipped.registry, "applicant");
    for (const text of [comment, note]) {
      expect(links(text)).toEqual([]);
      expect(text).toContain("> x\\](`https://evil.example`) \\[y");
    }
  });

  test("as a maintainer's /reject reason: in the request's bot comment", () => {
    const comment = requestComment([
      "French email errors",
      "",
      "CoopCircuits (France)",
      "France",
      EVIL,
      "zz",
    ]);
    expect(links(comment)).toEqual([]);
    expect(comment).toContain("rejected it: x\\](`https://evil.example`) \\[y.");
  });

  test("as a job's issue title: in the invoice, the title is the link's text, to the issue", () => {
    const invoice = invoiceMarkdown([
      EVIL,
      "jobs-dev",
      "fr-manager",
      "CoopCircuits (France)",
      "France",
    ]);
    expect(new Set(links(invoice))).toEqual(new Set([ISSUE_URL]));
    expect(invoice).toContain(
      `| [x\\](https://evil.example) \\[y](<${ISSUE_URL}>) (ofn-install#1) |`,
    );
  });
});

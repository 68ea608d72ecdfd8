// Tier applications end to end, as GitHub drives the app: an instance applies with the form, the
// bot says what is missing, the instance-managers circle decides with /approve-tier or
// /decline-tier, the app opens the registry pull request itself, and merging it closes the
// application. Against the schema-checked fake GitHub on loopback; the registry lives in its own
// repository (REGISTRY_REPO), as in production.
import { jest } from "@jest/globals";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { decodeState, encodeState } from "../src/triage/state.js";
import { bindingOf, decisionBranch, decisionCommitMessage } from "../src/tiers/approval.js";
import { readTierIssue } from "../src/tiers/read.js";
import { loadReport } from "../src/report/load.js";
import { periodBetween } from "../src/report/period.js";
import { dueReviews, renderReviewIssue, reviewTitle } from "../src/report/reviews.js";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { forgetPermissions } from "../src/github/repo-access.js";
import { liveConfig, startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { APP_LOGIN } from "./helpers/fake-github.js";
import { FORM_PATH, generateIssueForm } from "../src/form/generate.js";
import {
  REGISTRY_TEXT,
  SIGNALS_TEXT,
  TIERS_TEXT,
  WIRING_TEXT,
  shippedConfig,
} from "./helpers/config.js";
import {
  applicationBody,
  applicationForm,
  BASIC_EVIDENCE,
  FULL_EVIDENCE,
  option,
} from "./helpers/tier-application.js";
import {
  commentPayload,
  issuesPayload,
  pullRequestPayload,
  type IssueFields,
} from "./helpers/webhooks.js";
import { sweepHere } from "./helpers/executor.js";

jest.setTimeout(120_000);

const REPO = "openfoodfoundation/ofn-install";
const REGISTRY_REPO = "openfoodfoundation/sysadmin-pipe";
const CIRCLE = "openfoodfoundation/instance-managers";
const REGISTRY = "config/instances.yml";
const { registry, policy } = shippedConfig();
const form = applicationForm(registry, policy);

let app: LoopbackApp;
let nextComment = 70_000;

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  process.env.REGISTRY_REPO = REGISTRY_REPO;
  process.env.CIRCLE_TEAM = CIRCLE;
  app = await startLoopbackApp();
  // The live registry's repository holds the registry, the policy's three files and the form.
  const wiring = WIRING_TEXT.replace(/^( {2}number:) null/m, "$1 5");
  const files: Record<string, string> = {
    [REGISTRY]: REGISTRY_TEXT,
    "config/policy.yml": wiring,
    "config/tiers.yml": TIERS_TEXT,
    "config/signals.yml": SIGNALS_TEXT,
    [FORM_PATH]: generateIssueForm(registry, policy),
  };
  for (const [path, text] of Object.entries(files)) app.fake.commitFile(REGISTRY_REPO, path, text);
  app.fake.teams.set(CIRCLE, new Set(["circle-member"]));
  app.fake.repo(REPO).permissions.set("maintainer", "write");
});
afterAll(async () => {
  await app.stop();
  delete process.env.REGISTRY_REPO;
  delete process.env.CIRCLE_TEAM;
  nock.activate();
});
beforeEach(() => {
  forgetBoards();
  forgetKnownLabels();
  forgetPermissions();
});
afterEach(() => expect(app.fake.problems).toEqual([]));

const issue = (n: number) => app.fake.repo(REPO).issues.get(n)!;
const MARKER = "<!-- sysadmin-pipe -->";
const botComment = (n: number) =>
  app.fake.botComments(REPO, n).find((c) => c.body.startsWith(MARKER))?.body ?? "";
/** The app's other comments: notes and replies, oldest first. */
const notes = (n: number) =>
  app.fake
    .botComments(REPO, n)
    .filter((c) => !c.body.startsWith(MARKER))
    .map((c) => c.body);
const pulls = () => app.fake.git(REGISTRY_REPO).pulls;
const pullFor = (n: number) =>
  pulls().find((p) => p.body.startsWith(`Tier application: ${REPO}#${n}\n`));

/** File an issue in the fake GitHub and deliver `opened`, as the form does. */
async function open(fields: IssueFields & { number: number }): Promise<void> {
  const { author, ...rest } = fields;
  app.fake.addIssue(REPO, { body: "", ...rest, labels: [...(fields.labels ?? [])], user: author });
  expect(
    await app.deliver("issues", issuesPayload("opened", fields), `open-${fields.number}`),
  ).toBe(200);
}

async function apply(number: number, answers: Record<string, string>): Promise<void> {
  await open({
    number,
    title: "[Tier application] Open Food Network Germany",
    body: applicationBody(form, answers),
    labels: form.labels,
    author: "de-manager",
  });
}

/** A comment on the issue, as GitHub delivers it; returns its id. */
async function say(n: number, body: string, login: string): Promise<number> {
  const id = nextComment++;
  app.fake
    .repo(REPO)
    .comments.push({ id, issue: n, body, user: login, type: "User", reactions: [] });
  const { title, body: text, labels } = issue(n);
  const payload = commentPayload({ number: n, title, body: text, labels }, { id, body, login });
  expect(await app.deliver("issue_comment", payload, `comment-${id}`)).toBe(200);
  return id;
}

const reactions = (id: number) =>
  app.fake.repo(REPO).comments.find((c) => c.id === id)?.reactions ?? [];

const germany = (tier: "basic" | "full", evidence: Record<string, string>) => ({
  instance: option(form, "instance", "de —"),
  tier: option(form, "tier", tier),
  ...evidence,
});

/** Lines removed and added between two texts (from the first to the last changed line). */
function changedLines(before: string, after: string) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return { removed: a.slice(start, a.length - end), added: b.slice(start, b.length - end) };
}

/** GitHub's pull_request.opened for the app's registry pull request: the check run it gets. */
async function tierCheckRunsOn(pull: { number: number; head: string }) {
  const git = app.fake.git(REGISTRY_REPO);
  const payload = pullRequestPayload("opened", REGISTRY_REPO, {
    number: pull.number,
    head: git.branches.get(pull.head)!,
    base: git.branches.get("main")!,
  });
  await app.deliver("pull_request", payload, `pr-${pull.number}`);
  return git.checkRuns.at(-1);
}

/** GitHub's pull_request.closed for a registry pull request, merged or not. */
function closedPayload(
  pull: { number: number; body: string },
  merged: boolean,
  by: "User" | "Bot" = "User",
) {
  const payload = pullRequestPayload("opened", REGISTRY_REPO, {
    number: pull.number,
    head: "h",
    base: "b",
  });
  payload.action = "closed";
  Object.assign(payload.pull_request, { merged, state: "closed", body: pull.body });
  payload.sender = { ...payload.sender, type: by, ...(by === "Bot" ? { login: APP_LOGIN } : {}) };
  return payload;
}

const commentLines = (text: string) => text.split("\n").filter((l) => /#/.test(l));

describe("an instance applies for a tier", () => {
  test("an application with missing evidence gets needs-info and says what is missing", async () => {
    await apply(1, germany("full", BASIC_EVIDENCE));
    expect(issue(1).labels.sort()).toEqual(["needs-info", "tier-application"]);
    const comment = botComment(1);
    expect(comment).toContain(
      "Tier application: Open Food Network Germany (`de`) asks for the **full** tier",
    );
    expect(comment).toContain("on the **basic** tier now (never reviewed)");
    expect(comment).toContain(
      [
        "For the **full** tier the circle still needs:",
        "- **Users**: not given",
        "- **Turnover**: not given",
        "- **Fundraising**: not given",
        "- **Contributions to the commons so far**: not given",
      ].join("\n"),
    );
    expect(comment).toContain(
      "- **Signed pledge**: Signed by our board: <https://ofn.example.org/de/pledge.pdf>",
    );
    expect(comment).toContain("### Its load (never reviewed; the last 12 months)");
    // Not a sysadmin request: no triage, no card; and the circle waits for a complete one.
    expect(issue(1).labels).not.toContain("sysadmin-pipe");
    expect(app.fake.board.card(1)).toBeUndefined();
    expect(comment).not.toContain(`@${CIRCLE}`);

    // The applicant adds the figures: needs-info goes, and the circle is mentioned, once.
    issue(1).body = applicationBody(form, germany("full", FULL_EVIDENCE));
    const edited = issuesPayload("edited", {
      number: 1,
      title: issue(1).title,
      body: issue(1).body,
      labels: issue(1).labels,
    });
    await app.deliver("issues", edited, "edit-1");
    expect(issue(1).labels).toEqual(["tier-application"]);
    expect(botComment(1)).toContain("Complete: waiting for the circle");
    expect(notes(1)).toEqual([
      expect.stringContaining(`@${CIRCLE}: this tier application is complete`),
    ]);
    await app.deliver("issues", edited, "edit-1-again");
    expect(notes(1)).toHaveLength(1);
  });

  test("a complete application is approved by a circle member and a pull request appears whose diff changes only that instance's lines and keeps every comment of the file", async () => {
    await apply(2, germany("full", FULL_EVIDENCE));
    expect(issue(2).labels).toEqual(["tier-application"]);
    expect(botComment(2)).toContain(`@${CIRCLE}: a tier application for the circle to decide.`);

    const id = await say(2, "/approve-tier full", "circle-member");
    expect(reactions(id)).toEqual(["+1"]);
    const pull = pullFor(2)!;
    expect(pull).toMatchObject({
      state: "open",
      base: "main",
      // A branch of this decision's own: the issue, then the decision's key.
      head: expect.stringMatching(/^sysadmin-pipe\/tier-application-ofn-install-2-[0-9a-f]{12}$/),
    });
    expect(pull.title).toBe(`Tier: de basic → full (application ${REPO}#2)`);
    expect(pull.body).toContain("approved by @circle-member");

    const proposed = app.fake.fileAt(REGISTRY_REPO, REGISTRY, pull.head)!;
    const today = new Date().toISOString().slice(0, 10);
    expect(changedLines(REGISTRY_TEXT, proposed)).toEqual({
      removed: [
        "    tier: basic # example",
        "    hosts: [openfoodnetwork.de]",
        "    aliases: [Germany, German, DE, Deutschland, deutsche Instanz]",
      ],
      added: [
        "    tier: full",
        "    hosts: [openfoodnetwork.de]",
        "    aliases: [Germany, German, DE, Deutschland, deutsche Instanz]",
        `    reviewed: ${today}`,
        "    review_every_months: 12",
        "    evidence:",
        "      - https://ofn.example.org/de/pledge.pdf",
        "      - https://ofn.example.org/de/canvas",
        "      - https://ofn.example.org/de/grant",
      ],
    });
    // Every comment stays, but de's `# example` mark: the circle has decided.
    const lines = REGISTRY_TEXT.split("\n");
    const deTier = lines.indexOf("  de:") + 2;
    expect(commentLines(proposed)).toEqual(
      commentLines(lines.filter((_, i) => i !== deTier).join("\n")),
    );

    expect(botComment(2)).toContain("Approved for the **full** tier (@circle-member)");
    expect(botComment(2)).toContain(`The registry pull request: ${REGISTRY_REPO}#${pull.number}.`);
    expect(notes(2)).toEqual([
      expect.stringMatching(
        /^@de-manager: the instance-managers circle approved Open Food Network Germany/,
      ),
    ]);

    // The Tier registry check runs on it like on any other pull request.
    const run = await tierCheckRunsOn(pull);
    expect(run).toMatchObject({ name: "Tier registry", conclusion: "success" });
    expect(run?.summary).toContain("basic → full");

    // Approving again opens nothing more.
    const again = await say(2, "/approve-tier full", "circle-member");
    expect(reactions(again)).toEqual(["confused"]);
    expect(pulls().filter((p) => p.body.includes(`${REPO}#2\n`))).toHaveLength(1);
  });

  test("a non-member's /approve-tier is refused (😕 + reply)", async () => {
    await apply(3, germany("basic", BASIC_EVIDENCE));
    const id = await say(3, "/approve-tier basic", "passer-by");
    expect(reactions(id)).toEqual(["confused"]);
    const reply = app.fake.botComments(REPO, 3).at(-1)!.body;
    expect(reply).toContain(
      "`/approve-tier basic`: not done, only members of the instance-managers circle's team can use `/approve-tier basic|full`.",
    );
    expect(pullFor(3)).toBeUndefined();
  });

  test("a maintainer who is not in the circle is refused too", async () => {
    const id = await say(3, "/approve-tier basic", "maintainer");
    expect(reactions(id)).toEqual(["confused"]);
    expect(app.fake.botComments(REPO, 3).at(-1)!.body).toContain(
      "only members of the instance-managers circle's team can use",
    );
    expect(pullFor(3)).toBeUndefined();
    expect(issue(3).state).toBe("open");
  });

  test("a merge of the app's branch into another branch than the default one changes nothing: the registry in force did not change", async () => {
    const pull = pullFor(2)!;
    const payload = closedPayload(pull, true);
    payload.pull_request.base.ref = "someone-elses-branch";
    await app.deliver("pull_request", payload, `merged-elsewhere-${pull.number}`);
    expect(issue(2).state).toBe("open");
    expect(notes(2).filter((n) => n.includes("was merged"))).toEqual([]);
  });

  test("merging the PR closes the application with a note", async () => {
    const pull = pullFor(2)!;
    app.fake.mergePull(REGISTRY_REPO, pull.number);
    const payload = closedPayload(pull, true);
    await app.deliver("pull_request", payload, `merged-${pull.number}`);
    expect(issue(2)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(notes(2).at(-1)).toContain(
      `The registry pull request ${REGISTRY_REPO}#${pull.number} was merged: Open Food Network Germany (\`de\`) is now on the **full** tier`,
    );
    expect(botComment(2)).toContain("was merged");
    // A second delivery of the same event says nothing twice.
    await app.deliver("pull_request", payload, `merged-${pull.number}-again`);
    expect(notes(2).filter((n) => n.includes("was merged"))).toHaveLength(1);
  });

  test("a new instance gets an entry with its hosts and aliases", async () => {
    await open({
      number: 4,
      title: "[Tier application] Open Food Network Portugal",
      labels: form.labels,
      author: "pt-manager",
      body: applicationBody(form, {
        instance: option(form, "instance", "A new instance"),
        code: "pt",
        name: "Open Food Network Portugal",
        hosts: "openfoodnetwork.pt, staging.openfoodnetwork.pt",
        aliases: "Portugal, PT",
        tier: option(form, "tier", "basic"),
        ...BASIC_EVIDENCE,
      }),
    });
    expect(botComment(4)).toContain("a new instance: Open Food Network Portugal (`pt`)");
    await say(4, "/approve-tier basic", "circle-member");
    const pull = pullFor(4)!;
    const proposed = app.fake.fileAt(REGISTRY_REPO, REGISTRY, pull.head)!;
    const main = app.fake.fileAt(REGISTRY_REPO, REGISTRY)!;
    expect(proposed.startsWith(main)).toBe(true);
    expect(proposed.slice(main.length)).toBe(
      [
        "  pt:",
        "    name: Open Food Network Portugal",
        "    tier: basic",
        "    hosts: [openfoodnetwork.pt, staging.openfoodnetwork.pt]",
        "    aliases: [Portugal, PT]",
        `    reviewed: ${new Date().toISOString().slice(0, 10)}`,
        "    review_every_months: 12",
        "    evidence:",
        "      - https://ofn.example.org/de/pledge.pdf",
        "      - https://ofn.example.org/de/canvas",
        "",
      ].join("\n"),
    );
    // The request form on the branch offers the new instance, so the Tier registry check passes.
    expect(app.fake.fileAt(REGISTRY_REPO, FORM_PATH, pull.head)).toContain(
      "Open Food Network Portugal",
    );
    expect(await tierCheckRunsOn(pull)).toMatchObject({
      name: "Tier registry",
      conclusion: "success",
    });
  });

  test("/decline-tier closes with the reason", async () => {
    await apply(5, germany("basic", BASIC_EVIDENCE));
    const reason = "We need the pledge signed by your board, not by one volunteer.";
    const id = await say(5, `/decline-tier ${reason}`, "circle-member");
    expect(reactions(id)).toEqual(["+1"]);
    expect(issue(5)).toMatchObject({ state: "closed", state_reason: "not_planned" });
    const note = notes(5).at(-1)!;
    expect(note).toMatch(/^@de-manager, thank you for the application\./);
    expect(note).toContain(`> ${reason}`);
    expect(note).toContain(
      "**What next:** Open Food Network Germany (`de`) stays on the **basic** tier for now.",
    );
    expect(botComment(5)).toContain("Declined by the circle (@circle-member)");
    expect(pullFor(5)).toBeUndefined();
  });
});

describe("tier reviews", () => {
  test("a review issue approved the same way ends in a PR", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const due = dueReviews(registry, today).find((d) => d.code === "it")!;
    const period = periodBetween("2025-01-01", today)!;
    const body = renderReviewIssue(
      due,
      loadReport([], period, registry, policy, new Date()),
      CIRCLE,
    );
    await open({
      number: 6,
      title: reviewTitle(due),
      body,
      labels: ["tier-review"],
      author: "sysadmin-pipe[bot]",
    });
    // A review is the circle's: no triage, no comment until it is decided.
    expect(issue(6).labels).toEqual(["tier-review"]);
    expect(app.fake.botComments(REPO, 6)).toEqual([]);

    await say(6, "/approve-tier basic", "circle-member");
    const pull = pulls().find((p) => p.body.startsWith(`Tier review: ${REPO}#6\n`))!;
    expect(pull.title).toBe(`Tier: it basic → basic (review ${REPO}#6)`);
    const proposed = app.fake.fileAt(REGISTRY_REPO, REGISTRY, pull.head)!;
    const main = app.fake.fileAt(REGISTRY_REPO, REGISTRY)!;
    expect(changedLines(main, proposed)).toEqual({
      removed: [
        "    tier: basic # example",
        "    hosts: [app.openfoodnetwork.it, stg.openfoodnetwork.it]",
        "    aliases: [Italy, Italian, IT, Italia, italiana]",
      ],
      added: [
        "    tier: basic",
        "    hosts: [app.openfoodnetwork.it, stg.openfoodnetwork.it]",
        "    aliases: [Italy, Italian, IT, Italia, italiana]",
        `    reviewed: ${today}`,
        "    review_every_months: 12",
      ],
    });
    expect(botComment(6)).toContain("Approved for the **basic** tier (@circle-member)");
  });
});

describe("the reconcile sweep", () => {
  test("follows a registry pull request whose closing it never heard of: merged, the application is closed; closed unmerged, the approval set aside", async () => {
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${app.fake.url}/api/v3` });
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const sweep = () =>
      sweepHere(
        github as never,
        { config: liveConfig(), trusted: true },
        { quietMs: 0, repos: [REPO], log: quiet, appLogin: APP_LOGIN },
      );
    await apply(20, germany("basic", BASIC_EVIDENCE));
    await say(20, "/approve-tier basic", "circle-member");
    await apply(21, germany("basic", BASIC_EVIDENCE));
    await say(21, "/approve-tier basic", "circle-member");
    const merged = pullFor(20)!;
    const closed = pullFor(21)!;
    const open = await sweep(); // a pull request still open is only looked at
    expect(open.failed).toEqual([]);
    expect(open.stale.filter((s) => /#2[01]$/.test(s.issue))).toEqual([]);
    // The app was down: GitHub's pull_request.closed deliveries never came.
    app.fake.mergePull(REGISTRY_REPO, merged.number);
    closed.state = "closed";

    const report = await sweep();
    expect(report.stale).toEqual(
      expect.arrayContaining([
        {
          issue: `${REPO}#20`,
          why: `registry pull request ${REGISTRY_REPO}#${merged.number} merged, not followed yet`,
        },
        {
          issue: `${REPO}#21`,
          why: `registry pull request ${REGISTRY_REPO}#${closed.number} closed without merging, not followed yet`,
        },
      ]),
    );
    expect(issue(20)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(notes(20).at(-1)).toContain("was merged");
    expect(issue(21).state).toBe("open");
    expect(notes(21).at(-1)).toContain("was closed without being merged");
    expect(decodeState(botComment(21))?.commanded?.tier).toBeUndefined();

    const again = await sweep();
    expect(again.stale.filter((s) => /#2[01]$/.test(s.issue))).toEqual([]);
  });

  test("leaves tier applications and reviews alone, and answers an application the app never saw", async () => {
    const old = new Date(Date.now() - 10 * 60_000).toISOString();
    app.fake.addIssue(REPO, {
      number: 7,
      title: "[Tier application] Open Food Network Germany",
      body: applicationBody(form, germany("basic", BASIC_EVIDENCE)),
      labels: form.labels,
      user: "de-manager",
    });
    for (const i of app.fake.repo(REPO).issues.values()) i.updated_at = old;
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${app.fake.url}/api/v3` });
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const report = await sweepHere(
      github as never,
      { config: liveConfig(), trusted: true },
      { quietMs: 60_000, repos: [REPO], log: quiet, appLogin: APP_LOGIN },
    );
    expect(report.stale).toEqual([{ issue: `${REPO}#7`, why: "tier application not answered" }]);
    expect(botComment(7)).toContain("Complete: waiting for the circle");
    expect(issue(7).labels).toEqual(["tier-application"]);
    // One bot comment per issue, whatever happened on it.
    for (const n of [1, 2, 3, 4, 5, 6, 7]) {
      const ours = app.fake.botComments(REPO, n).filter((c) => c.body.startsWith(MARKER));
      expect([n, ours.length]).toEqual([n, 1]);
    }
  });
});

describe("the circle changes its mind", () => {
  test("a decline after an approval closes the registry pull request, so it cannot be merged by mistake", async () => {
    await apply(8, germany("basic", BASIC_EVIDENCE));
    await say(8, "/approve-tier basic", "circle-member");
    const opened = pulls().find((p) => p.body.includes(`${REPO}#8\n`))!;
    expect(opened.state).toBe("open");
    await say(8, "/decline-tier The pledge is not signed yet.", "circle-member");
    expect(pulls().find((p) => p.number === opened.number)?.state).toBe("closed");
    expect(notes(8).at(-1)).toContain(
      `The registry pull request ${REGISTRY_REPO}#${opened.number} that the approval opened is not needed any more: the app closed it without merging.`,
    );
  });

  test("a registry pull request closed without merging sets the approval aside; a new approval opens a new one", async () => {
    await apply(9, germany("basic", BASIC_EVIDENCE));
    await say(9, "/approve-tier basic", "circle-member");
    const first = pulls().find((p) => p.body.includes(`${REPO}#9\n`))!;
    // The app itself closes a registry pull request only on a decline, which records it: a
    // bot's close (a decline whose comment write failed, say) sets nothing aside.
    await app.deliver("pull_request", closedPayload(first, false, "Bot"), `bot-${first.number}`);
    expect(notes(9)).toHaveLength(1); // the approval's note only
    expect(decodeState(botComment(9))?.commanded?.tier?.outcome).toBe("approved");
    // Someone closes it on GitHub without merging.
    first.state = "closed";
    const payload = closedPayload(first, false);
    await app.deliver("pull_request", payload, `closed-${first.number}`);
    expect(issue(9).state).toBe("open");
    expect(notes(9).at(-1)).toBe(
      `The registry pull request ${REGISTRY_REPO}#${first.number} was closed without being merged, so the registry is unchanged: Open Food Network Germany (\`de\`) stays on the **basic** tier. The approval is set aside. A member of the circle can write \`/approve-tier basic\` again (the app opens a new pull request) or \`/decline-tier <reason>\`.\n`,
    );
    expect(botComment(9)).toContain("was closed without being merged");
    expect(botComment(9)).toContain("Complete: waiting for the circle");
    expect(decodeState(botComment(9))?.commanded?.tier).toBeUndefined();
    // Delivered again, or any other event on the application: nothing more is said or opened.
    await app.deliver("pull_request", payload, `closed-${first.number}-again`);
    const { title, body, labels } = issue(9);
    const edited = issuesPayload("edited", { number: 9, title, body, labels });
    expect(await app.deliver("issues", edited, "edited-9")).toBe(200);
    expect(notes(9).filter((n) => n.includes("closed without being merged"))).toHaveLength(1);
    expect(pulls().filter((p) => p.body.includes(`${REPO}#9\n`))).toHaveLength(1);

    const id = await say(9, "/approve-tier basic", "circle-member");
    expect(reactions(id)).toEqual(["+1"]);
    const open = pulls().filter((p) => p.body.includes(`${REPO}#9\n`) && p.state === "open");
    expect(open).toHaveLength(1);
    expect(open[0]!.number).not.toBe(first.number);
    expect(botComment(9)).toContain(
      `The registry pull request: ${REGISTRY_REPO}#${open[0]!.number}.`,
    );
  });
});

describe("an approval is bound to what the circle approved", () => {
  const portugal = {
    instance: option(form, "instance", "A new instance"),
    code: "pt",
    name: "Open Food Network Portugal",
    hosts: "openfoodnetwork.pt",
    aliases: "Portugal",
    tier: option(form, "tier", "basic"),
    ...BASIC_EVIDENCE,
  };
  const applyAsPortugal = (number: number) =>
    open({
      number,
      title: "[Tier application] Open Food Network Portugal",
      labels: form.labels,
      author: "pt-manager",
      body: applicationBody(form, portugal),
    });
  /** The applicant edits the application (GitHub delivers `edited`). */
  async function edit(
    n: number,
    answers: Record<string, string>,
    id = `edit-${n}-${nextComment++}`,
  ) {
    issue(n).body = applicationBody(form, answers);
    const { title, body, labels } = issue(n);
    expect(
      await app.deliver("issues", issuesPayload("edited", { number: n, title, body, labels }), id),
    ).toBe(200);
  }
  const pullsFor = (n: number) =>
    pulls().filter((p) => p.body.startsWith(`Tier application: ${REPO}#${n}\n`));
  /** Germany's lines of the registry on main and on each branch the app made for issue `n`. */
  const germanyOnBranchesOf = (n: number) => {
    const git = app.fake.git(REGISTRY_REPO);
    const de = (text: string) => /\n {2}de:\n(?: {4}.*\n)+/.exec(text)?.[0];
    const ours = new RegExp(`-ofn-install-${n}(?:-|$)`);
    const branches = [...git.branches.keys()].filter((b) => b === "main" || ours.test(b));
    return new Set(branches.map((b) => de(app.fake.fileAt(REGISTRY_REPO, REGISTRY, b) ?? "")));
  };
  const PULLS_POST = new RegExp(`^POST /repos/${REGISTRY_REPO}/pulls$`);

  test("an edit that arrives after its pull request was merged (the merge's delivery not handled yet) voids nothing: the merge is then followed", async () => {
    // Malta, not Portugal: the merge puts the new instance on main for every later test.
    const malta = {
      ...portugal,
      code: "mt",
      name: "Open Food Network Malta",
      hosts: "openfoodnetwork.mt",
      aliases: "Malta",
    };
    await open({
      number: 47,
      title: "[Tier application] Open Food Network Malta",
      labels: form.labels,
      author: "mt-manager",
      body: applicationBody(form, malta),
    });
    await say(47, "/approve-tier basic", "circle-member");
    const [pull] = pullsFor(47);
    app.fake.mergePull(REGISTRY_REPO, pull!.number);
    await edit(47, { ...malta, name: "Open Food Network Malta (MT)" });
    expect(notes(47).filter((n) => n.includes("is void"))).toEqual([]);
    expect(decodeState(botComment(47))?.commanded?.tier?.outcome).toBe("approved");
    await app.deliver("pull_request", closedPayload(pull!, true), `merged-late-${pull!.number}`);
    expect(issue(47)).toMatchObject({ state: "closed", state_reason: "completed" });
  });

  test("an /approve-tier whose delivery was lost, on an application edited since, is refused by the sweep: nothing is bound to an issue the approver may not have seen", async () => {
    await applyAsPortugal(46);
    // The circle member approves while the app is down: the comment is on GitHub, its delivery lost.
    const id = nextComment++;
    app.fake.repo(REPO).comments.push({
      id,
      issue: 46,
      body: "/approve-tier basic",
      user: "circle-member",
      type: "User",
      reactions: [],
      created_at: new Date().toISOString(),
    });
    await edit(46, { ...portugal, instance: option(form, "instance", "de —") });
    const github = new Octokit({ auth: "ghs_cli_token", baseUrl: `${app.fake.url}/api/v3` });
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const shipped = liveConfig();
    const reports = { ...shipped.policy.reports, circle_team: CIRCLE }; // as the app deploys it
    const config = { ...shipped, policy: { ...shipped.policy, reports } };
    const report = await sweepHere(
      github as never,
      { config, trusted: true },
      { quietMs: 0, repos: [REPO], log: quiet, appLogin: APP_LOGIN },
    );
    expect(report.failed).toEqual([]);
    expect(reactions(id)).toEqual(["confused"]);
    expect(notes(46).at(-1)).toContain("was not answered when you wrote it");
    expect(pullsFor(46)).toEqual([]);
    expect(decodeState(botComment(46))?.commanded?.tier).toBeUndefined();
  });

  test("an application edited after /approve-tier from a new instance to `de` makes the approval void: its pull request is closed, the circle is asked again, and Germany's tier never moves", async () => {
    await applyAsPortugal(40);
    await say(40, "/approve-tier basic", "circle-member");
    const first = pullsFor(40)[0]!;
    expect(first.title).toBe(`Tier: pt new, basic (application ${REPO}#40)`);
    await edit(40, germany("basic", BASIC_EVIDENCE));
    expect(first).toMatchObject({ state: "closed", merged: false });
    expect(pullsFor(40).filter((p) => p.state === "open")).toEqual([]);
    expect(notes(40).at(-1)).toBe(
      `@${CIRCLE}: the approval for the **basic** tier by @circle-member is void: the application changed after it was approved: its instance (\`pt\` → \`de\`). The app closed its registry pull request ${REGISTRY_REPO}#${first.number} without merging. Please read the application again and decide: \`/approve-tier basic|full\` or \`/decline-tier <reason>\`.\n`,
    );
    const comment = botComment(40);
    expect(comment).not.toContain("Approved for");
    expect(comment).toContain("⚠️ The approval for the **basic** tier by @circle-member is void");
    expect(comment).toContain("Complete: waiting for the circle");
    expect(decodeState(comment)?.commanded?.tier).toBeUndefined();
    // Later events change nothing more; and no branch sets Germany's tier.
    await edit(40, germany("basic", BASIC_EVIDENCE));
    expect(notes(40).filter((n) => n.includes("is void"))).toHaveLength(1);
    expect(germanyOnBranchesOf(40).size).toBe(1);

    // The circle decides again, knowingly: a new pull request, for Germany.
    await say(40, "/approve-tier basic", "circle-member");
    const open = pullsFor(40).filter((p) => p.state === "open");
    expect(open.map((p) => p.title)).toEqual([`Tier: de basic → basic (application ${REPO}#40)`]);
    expect(open[0]!.head).not.toBe(first.head);
  });

  test("a failed pull request opening is not retried from the edited issue: the edit voids the approval instead", async () => {
    await applyAsPortugal(41);
    app.fake.inject({ kind: "forbidden", match: PULLS_POST, times: 1 });
    await say(41, "/approve-tier basic", "circle-member");
    expect(botComment(41)).toContain("The app could not open the registry pull request");
    expect(pullsFor(41)).toEqual([]);
    await edit(41, germany("basic", BASIC_EVIDENCE));
    expect(pullsFor(41)).toEqual([]);
    expect(germanyOnBranchesOf(41).size).toBe(1);
    expect(notes(41).at(-1)).toMatch(
      /is void: the application changed after it was approved: its instance \(`pt` → `de`\)\. Please read/,
    );
  });

  test("a failed pull request opening is retried on the next event from the approval's record: its own branch, one pull request", async () => {
    await applyAsPortugal(42);
    app.fake.inject({ kind: "forbidden", match: PULLS_POST, times: 1 });
    await say(42, "/approve-tier basic", "circle-member");
    expect(pullsFor(42)).toEqual([]);
    const branches = () =>
      [...app.fake.git(REGISTRY_REPO).branches.keys()].filter((b) =>
        b.includes("-ofn-install-42-"),
      );
    expect(branches()).toHaveLength(1);
    // Meanwhile a person changes another instance on the default branch.
    const git = app.fake.git(REGISTRY_REPO);
    const main = app.fake.fileAt(REGISTRY_REPO, REGISTRY)!;
    app.fake.commitFile(
      REGISTRY_REPO,
      REGISTRY,
      main.replace("    aliases: [India, Indian]", "    aliases: [India, Indian, Bharat]"),
    );

    // Any later event (the applicant fixes a typo in the title) tries again.
    issue(42).title = "[Tier application] Open Food Network Portugal (Lisbon)";
    await edit(42, portugal);
    const [pull] = pullsFor(42);
    expect(pull).toMatchObject({ state: "open", head: branches()[0] });
    expect(branches()).toHaveLength(1);
    // Its own branch, made again on the current head: GitHub shows Portugal's lines only.
    const head = git.branches.get(pull!.head)!;
    expect(git.info.get(head)!.parents).toEqual([git.branches.get("main")]);
    const registryChange = app.fake
      .pullChanges(REGISTRY_REPO, pull!.number)
      .find((f) => f.filename === REGISTRY)!;
    expect(registryChange.removed).toEqual([]);
    expect(registryChange.added[0]).toBe("  pt:");
    expect(registryChange.added.join("\n")).not.toContain("Bharat");
    await edit(42, portugal);
    expect(pullsFor(42)).toHaveLength(1);
  });

  test("an approval binds the application as its comment was delivered: an edit before the approval runs refuses it, and the approver is told why", async () => {
    await applyAsPortugal(43);
    // The comment is written while the application names Portugal; the applicant edits it to
    // Germany before the queued approval runs.
    const id = nextComment++;
    const body = "/approve-tier basic";
    app.fake
      .repo(REPO)
      .comments.push({ id, issue: 43, body, user: "circle-member", type: "User", reactions: [] });
    const asSeen = {
      number: 43,
      title: issue(43).title,
      body: issue(43).body,
      labels: issue(43).labels,
    };
    issue(43).body = applicationBody(form, germany("basic", BASIC_EVIDENCE));
    const payload = commentPayload(asSeen, { id, body, login: "circle-member" });
    expect(await app.deliver("issue_comment", payload, `comment-${id}`)).toBe(200);

    expect(reactions(id)).toEqual(["confused"]);
    expect(app.fake.botComments(REPO, 43).at(-1)!.body).toContain(
      "the application was edited after your comment (its instance (`pt` → `de`)): read it again, then approve again",
    );
    expect(pullsFor(43)).toEqual([]);
    expect(decodeState(botComment(43))?.commanded?.tier).toBeUndefined();
  });

  test("an approval an older app recorded (without what was approved) is set aside on the next event, visibly", async () => {
    await applyAsPortugal(44);
    await say(44, "/approve-tier basic", "circle-member");
    const first = pullsFor(44)[0]!;
    // As the older app wrote it: the decision without its record of what was approved.
    const comment = app.fake.botComments(REPO, 44).find((c) => c.body.startsWith(MARKER))!;
    const state = decodeState(comment.body)!;
    delete state.commanded!.tier!.approved;
    comment.body = comment.body.replace(/<!-- sysadmin-pipe:state .* -->/, encodeState(state));

    await edit(44, portugal);
    expect(first).toMatchObject({ state: "closed", merged: false });
    expect(notes(44).at(-1)).toContain(
      "is void: the app did not record what that approval was for (it was given before the app kept that)",
    );
    expect(botComment(44)).toContain("Complete: waiting for the circle");
  });
});

describe("each decision gets a registry branch of its own, from the current head", () => {
  const github = () => new Octokit({ auth: "ghs_cli_token", baseUrl: `${app.fake.url}/api/v3` });
  /** The pull request's files as GitHub lists them (computed from the merge base). */
  async function filesShown(number: number) {
    const [owner, repo] = REGISTRY_REPO.split("/") as [string, string];
    const { data } = await github().rest.pulls.listFiles({ owner, repo, pull_number: number });
    return data;
  }
  const linesOf = (patch: string | undefined) => (patch ?? "").split("\n").slice(1);
  const today = () => new Date().toISOString().slice(0, 10);
  const applyFor = (n: number, code: string, tier: "basic" | "full") =>
    open({
      number: n,
      title: `[Tier application] ${code}`,
      body: applicationBody(form, {
        instance: option(form, "instance", `${code} —`),
        tier: option(form, "tier", tier),
        ...FULL_EVIDENCE,
      }),
      labels: form.labels,
      author: `${code}-manager`,
    });
  const branchesOf = (n: number) =>
    [...app.fake.git(REGISTRY_REPO).branches.keys()].filter((b) =>
      new RegExp(`-ofn-install-${n}(?:-|$)`).test(b),
    );

  test("a re-approval after its pull request was closed unmerged gets a fresh branch from the current head: GitHub shows only that instance's lines, though Germany's change landed meanwhile", async () => {
    await applyFor(50, "nz", "full");
    await say(50, "/approve-tier full", "circle-member");
    const first = pullFor(50)!;
    first.state = "closed";
    await app.deliver("pull_request", closedPayload(first, false), `closed-${first.number}`);
    expect(decodeState(botComment(50))?.commanded?.tier).toBeUndefined();

    // Meanwhile Germany's own decision is merged into the default branch.
    await applyFor(51, "de", "full");
    await say(51, "/approve-tier full", "circle-member");
    const germany = pullFor(51)!;
    app.fake.mergePull(REGISTRY_REPO, germany.number);
    await app.deliver("pull_request", closedPayload(germany, true), `merged-${germany.number}`);

    await say(50, "/approve-tier full", "circle-member");
    const again = pulls().filter(
      (p) => p.body.startsWith(`Tier application: ${REPO}#50\n`) && p.state === "open",
    );
    expect(again).toHaveLength(1);
    const second = again[0]!;
    const files = await filesShown(second.number);
    expect(files.map((f) => f.filename)).toEqual([REGISTRY]);
    expect(linesOf(files[0]!.patch)).toEqual([
      "-    tier: basic # example",
      "-    hosts: [openfoodnetwork.org.nz]",
      "-    aliases: [New Zealand, NZ, Aotearoa]",
      "+    tier: full",
      "+    hosts: [openfoodnetwork.org.nz]",
      "+    aliases: [New Zealand, NZ, Aotearoa]",
      `+    reviewed: ${today()}`,
      "+    review_every_months: 12",
      "+    evidence:",
      "+      - https://ofn.example.org/de/pledge.pdf",
      "+      - https://ofn.example.org/de/canvas",
      "+      - https://ofn.example.org/de/grant",
    ]);
    expect(second.head).not.toBe(first.head);
    expect(second.body).toContain("It changes only `nz` in the registry");
    const git = app.fake.git(REGISTRY_REPO);
    expect(
      app.fake.mergeBase(REGISTRY_REPO, git.branches.get(second.head)!, git.branches.get("main")!),
    ).toBe(git.branches.get("main"));
    expect(await tierCheckRunsOn(second)).toMatchObject({
      conclusion: "success",
      summary: expect.stringContaining("nz"),
    });
  });

  test("a branch someone with push access made under the decision's name is never committed to: the app takes the next name, and GitHub shows only the decision's lines", async () => {
    await applyFor(52, "ie", "full");
    // Someone creates the branches the app would use, from an older commit, with another
    // instance's change, even under the app's own commit message.
    const id = nextComment;
    const where = { repo: REPO, number: 52 };
    const read = readTierIssue(
      { body: issue(52).body, labels: issue(52).labels },
      registry,
      policy,
    )!;
    const decision = {
      outcome: "approved" as const,
      tier: "full" as const,
      by: "circle-member",
      approved: { ...bindingOf(read)!, comment: id, on: today() },
    };
    const git = app.fake.git(REGISTRY_REPO);
    const old = git.info.get(git.branches.get("main")!)!.parents[0]!;
    const squatted = [
      decisionBranch(decision, where),
      `sysadmin-pipe/tier-application-ofn-install-52`,
    ];
    const ukNone = app.fake
      .fileAt(REGISTRY_REPO, REGISTRY)!
      .replace(/( {2}uk:\n {4}name: .*\n {4}tier: )full # example/, "$1none");
    for (const name of squatted) {
      git.branches.set(name, old);
      app.fake.commitFile(
        REGISTRY_REPO,
        REGISTRY,
        ukNone,
        name,
        decisionCommitMessage(decision, where),
      );
    }
    const before = squatted.map((b) => git.branches.get(b));

    expect(await say(52, "/approve-tier full", "circle-member")).toBe(id);
    expect(squatted.map((b) => git.branches.get(b))).toEqual(before);
    const pull = pullFor(52)!;
    expect(squatted).not.toContain(pull.head);
    expect(pull.head).toBe(`${decisionBranch(decision, where)}-2`);
    const files = await filesShown(pull.number);
    expect(files.map((f) => f.filename)).toEqual([REGISTRY]);
    expect(linesOf(files[0]!.patch).join("\n")).not.toMatch(/uk|none/);
    expect(linesOf(files[0]!.patch)[0]).toBe("-    tier: basic # example");
    expect(app.fake.fileAt(REGISTRY_REPO, REGISTRY, pull.head)).toContain(
      "  ie:\n    name: Open Food Network Ireland\n    tier: full\n",
    );
  });

  test("a try that failed halfway (the pull request opened, the bot comment not written) is retried on its own branch and pull request: no duplicate", async () => {
    await applyFor(53, "za", "full");
    // The approval's note fails once after the pull request is open: the work is retried.
    app.fake.inject({
      kind: "forbidden",
      match: new RegExp(`^POST /repos/${REPO}/issues/53/comments$`),
      times: 1,
    });
    const id = await say(53, "/approve-tier full", "circle-member");
    // Acknowledged by both tries: the first failed after opening the pull request.
    expect(reactions(id)).toEqual(["+1", "+1"]);
    const opened = pulls().filter((p) => p.body.startsWith(`Tier application: ${REPO}#53\n`));
    expect(opened).toHaveLength(1);
    expect(branchesOf(53)).toEqual([opened[0]!.head]);
    expect(decodeState(botComment(53))?.application?.pull?.number).toBe(opened[0]!.number);
    expect(
      notes(53).filter((n) => n.includes("approved Open Food Network South Africa")),
    ).toHaveLength(1);
  });
});

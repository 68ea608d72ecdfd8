// Issue 22's rows 8 and 11 as people meet them: the real app on loopback, GitHub's deliveries in,
// and what the app writes on the schema-checked fake GitHub read back as Markdown. A stranger's
// malformed command, an applicant's name and the circle's or a maintainer's reason never become
// a mention or a link the app did not mean.
import { jest } from "@jest/globals";
import nock from "nock";
import { forgetBoards } from "../src/github/board-api.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import { forgetPermissions } from "../src/github/repo-access.js";
import { startLoopbackApp, type LoopbackApp } from "./helpers/app-on-loopback.js";
import { shippedConfig } from "./helpers/config.js";
import { markdownEffects } from "./helpers/markup-effects.js";
import {
  applicationBody,
  applicationForm,
  BASIC_EVIDENCE,
  option,
} from "./helpers/tier-application.js";
import { commentPayload, issuesPayload, type IssueFields } from "./helpers/webhooks.js";

jest.setTimeout(60_000);

const REPO = "openfoodfoundation/ofn-install";
const CIRCLE = "openfoodfoundation/instance-managers";
const EVIL = "x](https://evil.example) [y";
const { registry, policy } = shippedConfig();
const form = applicationForm(registry, policy);

let app: LoopbackApp;
let nextComment = 90_000;

beforeAll(async () => {
  nock.restore(); // real HTTP on loopback only
  process.env.CIRCLE_TEAM = CIRCLE;
  app = await startLoopbackApp();
  app.fake.teams.set(CIRCLE, new Set(["circle-member"]));
  app.fake.repo(REPO).permissions.set("maintainer", "write");
});
afterAll(async () => {
  await app.stop();
  delete process.env.CIRCLE_TEAM;
  nock.activate();
});
beforeEach(() => {
  forgetBoards();
  forgetKnownLabels();
  forgetPermissions();
});
afterEach(() => expect(app.fake.problems).toEqual([]));

const MARKER = "<!-- sysadmin-pipe -->";
const botComment = (n: number) =>
  app.fake.botComments(REPO, n).find((c) => c.body.startsWith(MARKER))?.body ?? "";
const notes = (n: number) =>
  app.fake
    .botComments(REPO, n)
    .filter((c) => !c.body.startsWith(MARKER))
    .map((c) => c.body);

/** Where a text links to or whom it notifies, as GitHub renders it. */
function acts(markdown: string) {
  const e = markdownEffects(markdown);
  return {
    links: [...e.links.map((l) => l.href), ...e.autolinks],
    mentions: e.mentions,
    html: e.html.filter((tag) => tag !== "<!---->" && !/^<\/?sub>$/.test(tag)),
  };
}

async function open(fields: IssueFields & { number: number }): Promise<void> {
  const { author, ...rest } = fields;
  app.fake.addIssue(REPO, { body: "", ...rest, labels: [...(fields.labels ?? [])], user: author });
  expect(
    await app.deliver("issues", issuesPayload("opened", fields), `open-${fields.number}`),
  ).toBe(200);
}

async function say(n: number, body: string, login: string): Promise<void> {
  const id = nextComment++;
  app.fake
    .repo(REPO)
    .comments.push({ id, issue: n, body, user: login, type: "User", reactions: [] });
  const { title, body: text, labels } = app.fake.repo(REPO).issues.get(n)!;
  const payload = commentPayload({ number: n, title, body: text, labels }, { id, body, login });
  expect(await app.deliver("issue_comment", payload, `comment-${id}`)).toBe(200);
}

describe("row 8: anyone's malformed command", () => {
  test("`/spent a\\` @openfoodfoundation/sysadmins ping` is answered without mentioning the team", async () => {
    await open({
      number: 1,
      title: "French email errors",
      body: "Order confirmations from coopcircuits.fr are not sent.",
      author: "reporter",
    });
    await say(1, "/spent a` @openfoodfoundation/sysadmins ping", "passer-by");
    const [reply] = notes(1);
    expect(reply).toContain("``a` @openfoodfoundation/sysadmins ping`` is not a duration");
    expect(acts(reply!)).toEqual({ links: [], mentions: ["passer-by"], html: [] });
  });
});

describe("row 11: links in what applicants and deciders write", () => {
  test("a new instance named `x](https://evil.example) [y`: the bot comment says the name is not plain words, shows it inert, links only the evidence", async () => {
    await open({
      number: 2,
      title: "[Tier application] a new instance",
      body: applicationBody(form, {
        instance: option(form, "instance", "A new instance"),
        code: "pt",
        name: EVIL,
        hosts: "openfoodnetwork.pt",
        aliases: "Portugal",
        tier: option(form, "tier", "basic"),
        ...BASIC_EVIDENCE,
      }),
      labels: form.labels,
      author: "pt-manager",
    });
    const comment = botComment(2);
    expect(comment).toContain("x\\](`https://evil.example`) \\[y");
    expect(acts(comment).links).toEqual([
      "https://ofn.example.org/de/pledge.pdf",
      "https://ofn.example.org/de/canvas",
    ]);
    // Not complete with such a name: the circle is not called yet.
    expect(comment).toContain("must be plain words");
    expect(acts(comment).mentions).toEqual([]);
  });

  test("the circle's decline reason is quoted, never a link, in the note and the bot comment", async () => {
    await say(2, `/decline-tier ${EVIL}`, "circle-member");
    for (const text of [botComment(2), ...notes(2)]) {
      expect(acts(text).links.filter((l) => l.includes("evil"))).toEqual([]);
      expect(acts(text).html).toEqual([]);
    }
    expect(notes(2).join("\n")).toContain("> x\\](`https://evil.example`) \\[y");
  });

  test("a maintainer's /reject reason is quoted in the request's bot comment, never a link", async () => {
    await open({
      number: 3,
      title: "Belgian DNS records",
      body: "Please add an SPF record for openfoodnetwork.be.",
      author: "reporter",
    });
    await say(3, `/reject ${EVIL}`, "maintainer");
    const comment = botComment(3);
    expect(comment).toContain("rejected it: x\\](`https://evil.example`) \\[y.");
    expect(acts(comment)).toEqual({ links: [], mentions: ["maintainer"], html: [] });
  });
});

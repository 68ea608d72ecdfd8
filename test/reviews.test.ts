// Tier reviews and posted reports: due, not due, already opened; one report issue per period.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import { main, type Io } from "../src/cli/main.js";
import { loadRegistry } from "../src/registry/schema.js";
import { dueReviews } from "../src/report/reviews.js";
import { POLICY_TEXT } from "./helpers/config.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API } from "./helpers/probot.js";

const REGISTRY = `instances:
  fr:
    name: CoopCircuits (France)
    tier: full
    hosts: [coopcircuits.fr]
    aliases: [France]
    reviewed: 2025-11-01
    review_every_months: 12
    evidence: [https://example.org/fr-pledge]
  uk:
    name: Open Food Network UK
    tier: basic
    hosts: [openfoodnetwork.org.uk]
    aliases: [UK]
    reviewed: 2026-06-01
    review_every_months: 6
  be:
    name: Open Food Network Belgium
    tier: none
    hosts: [openfoodnetwork.be]
    aliases: [Belgium]
`;
const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-reviews-"));
const registryFile = path.join(dir, "instances.yml");
const policyFile = path.join(dir, "policy.yml");
writeFileSync(registryFile, REGISTRY);
writeFileSync(
  policyFile,
  POLICY_TEXT.replace(/^(reports:\n {2}repo:) null/m, "$1 openfoodfoundation/ofn-install").replace(
    /^( {2}circle_team:) null/m,
    "$1 openfoodfoundation/instance-managers",
  ),
);
const ISSUES = "/repos/openfoodfoundation/ofn-install/issues";

const gh = installGitHubSchemaCheck();
beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
checkAfterEachTest(gh);

async function run(args: string[]) {
  const out: string[] = [];
  const io: Io = {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    readStdin: () => "",
    env: { GITHUB_TOKEN: "ghp_test", GITHUB_API_URL: API },
  };
  const code = await main([...args, "--registry", registryFile, "--policy", policyFile], io);
  return { code, out: out.join("") };
}

describe("which reviews are due", () => {
  const result = loadRegistry(REGISTRY);
  if (!result.ok) throw new Error("test registry invalid");
  const registry = result.value;

  test("due 12 months after the last review; not before; never for the none tier", () => {
    expect(dueReviews(registry, "2026-10-31")).toEqual([]);
    expect(dueReviews(registry, "2026-11-01").map((d) => d.code)).toEqual(["fr"]);
    expect(dueReviews(registry, "2026-12-01").map((d) => [d.code, d.dueSince])).toEqual([
      ["fr", "2026-11-01"],
      ["uk", "2026-12-01"],
    ]);
  });
});

describe("sysadmin-pipe reviews", () => {
  function pipeIsEmpty() {
    gh.watch(nock(API))
      .get(ISSUES)
      .query((q) => q.labels === "sysadmin-pipe")
      .reply(200, []);
  }

  test("opens one issue for a due review, mentioning the circle, with figures and evidence", async () => {
    pipeIsEmpty();
    let created: { title: string; body: string; labels: string[] } | undefined;
    gh.watch(nock(API))
      .get(ISSUES)
      .query((q) => q.labels === "tier-review")
      .reply(200, [])
      .post(ISSUES, (b: typeof created) => ((created = b), true))
      .reply(201, { number: 40 });

    const result = await run(["reviews", "--today", "2026-11-25"]);

    expect(result.code).toBe(0);
    expect(result.out).toBe("fr: review due since 2026-11-01: created #40\n");
    expect(created).toMatchObject({
      title: "Tier review due: France (full)",
      labels: ["tier-review"],
    });
    expect(created!.body).toContain("<!-- sysadmin-pipe:review fr 2025-11-01 -->");
    expect(created!.body).toContain("@openfoodfoundation/instance-managers: **France**");
    expect(created!.body).toContain("No sysadmin-pipe requests in that time.");
    expect(created!.body).toContain("- <https://example.org/fr-pledge>");
  });

  test("a review already opened is never opened again (even when closed)", async () => {
    pipeIsEmpty();
    gh.watch(nock(API))
      .get(ISSUES)
      .query((q) => q.labels === "tier-review")
      .reply(200, [
        { number: 40, state: "closed", body: "<!-- sysadmin-pipe:review fr 2025-11-01 -->\n…" },
      ]);

    const result = await run(["reviews", "--today", "2026-11-25"]);

    expect(result.out).toBe("fr: review due since 2026-11-01: exists #40\n");
  });

  test("nothing due: nothing read, nothing opened", async () => {
    const result = await run(["reviews", "--today", "2026-10-01"]);
    expect(result.out).toBe("No tier review is due on 2026-10-01.\n");
  });
});

describe("sysadmin-pipe report --post", () => {
  test("creates the period's report issue once, then updates it in place", async () => {
    const bodies: string[] = [];
    gh.watch(nock(API))
      .get(ISSUES)
      .query((q) => q.labels === "sysadmin-pipe")
      .times(2)
      .reply(200, [])
      .get(ISSUES)
      .query((q) => q.labels === "load-report")
      .reply(200, [])
      .post(ISSUES, (b: { body: string }) => (bodies.push(b.body), true))
      .reply(201, { number: 41 })
      .get(ISSUES)
      .query((q) => q.labels === "load-report")
      .reply(200, [
        { number: 41, state: "open", body: "<!-- sysadmin-pipe:report 2026-Q4 -->\nold figures" },
      ])
      .patch(`${ISSUES}/41`, (b: { body: string }) => (bodies.push(b.body), true))
      .reply(200, { number: 41 });

    const first = await run(["report", "--period", "2026-Q4", "--post"]);
    const second = await run(["report", "--period", "2026-Q4", "--post"]);

    expect(first.out).toContain("report issue for 2026-Q4: created #41");
    expect(second.out).toContain("report issue for 2026-Q4: updated #41");
    expect(bodies[0]).toMatch(
      /^<!-- sysadmin-pipe:report 2026-Q4 -->\n# Sysadmin pipe load: 2026-Q4/,
    );
    expect(bodies[1]).toBe(bodies[0]);
  });
});

// Hour caps: at, just under and over the limit; an S0 at the cap; counted from GitHub.
import nock from "nock";
import { forgetCapUsage } from "../src/github/cap-usage.js";
import { currentPeriod, hoursCounted } from "../src/report/cap-hours.js";
import { forgetKnownLabels } from "../src/github/label-store.js";
import type { Policy } from "../src/registry/policy.js";
import { applyHourCaps } from "../src/triage/caps.js";
import { holdRejection } from "../src/triage/hold.js";
import { decide } from "../src/triage/decide.js";
import { shippedConfig, withTiers } from "./helpers/config.js";
import { checkAfterEachTest, installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { API, makeProbot, mockInstallationToken } from "./helpers/probot.js";
import { issuesPayload, restComment } from "./helpers/webhooks.js";

const shipped = shippedConfig();
const registry = withTiers(shipped.registry, { uk: { tier: "full" }, be: { tier: "basic" } });
const policy: Policy = {
  ...shipped.policy,
  board: undefined,
  tiers: {
    ...shipped.policy.tiers,
    full: {
      ...shipped.policy.tiers.full,
      hour_cap: { hours: 12, per: "quarter", count: "nominal" },
    },
  },
};

// "UK emails are not sent": an S1 email request, size S (3 nominal hours in the policy).
const UK_EMAIL = {
  repo: "openfoodfoundation/ofn-install",
  title: "UK emails are not sent",
  body: "Order confirmations from openfoodnetwork.org.uk are not sent.",
  labels: [],
};

function plan(input = UK_EMAIL) {
  const p = decide(input, registry, policy);
  expect(p.outcome).toBe("accepted");
  return p;
}

describe("hour caps", () => {
  test("just under the cap: accepted", () => {
    expect(applyHourCaps(plan(), new Map([["uk", 8.5]]), registry, policy).outcome).toBe(
      "accepted",
    );
  });

  test("exactly at the cap: accepted (the cap is the most that may be used)", () => {
    expect(applyHourCaps(plan(), new Map([["uk", 9]]), registry, policy).outcome).toBe("accepted");
  });

  test("over the cap: rejected to the jobs board, with the figures", () => {
    const capped = applyHourCaps(plan(), new Map([["uk", 9.5]]), registry, policy);
    expect(capped.outcome).toBe("rejected");
    expect(capped.verdicts[0]).toMatchObject({
      covered: false,
      reason:
        "UK has used 9.5 of 12 pipe hours this quarter; this S request is about 3, over the cap",
      instead: ["job-board", "tier-review"],
    });
    expect(capped.labels).toContain("not-covered");
  });

  test("a request over the cap that a manager sent to the jobs board is on the jobs board", () => {
    const commanded = { overrides: {}, jobBoard: { by: "uk-manager" } };
    const capped = applyHourCaps(plan(), new Map([["uk", 9.5]]), registry, policy, commanded);
    expect(capped).toMatchObject({ outcome: "rejected", jobBoard: true });
    expect(capped.labels).toContain(policy.labels.job_board);
    const notSent = applyHourCaps(plan(), new Map([["uk", 9.5]]), registry, policy, {
      overrides: {},
    });
    expect(notSent.jobBoard).toBe(false);
  });

  test("a label a person removed is not added back by the cap (or by a hold)", () => {
    const removed = { ...plan(), suppressed: ["not-covered", "needs-triage"] };
    const capped = applyHourCaps(removed, new Map([["uk", 9.5]]), registry, policy);
    expect(capped.outcome).toBe("rejected");
    expect(capped.labels).not.toContain("not-covered");
    const held = holdRejection(capped, policy);
    expect(held.outcome).toBe("needs-info");
    expect(held.labels).not.toContain("needs-triage");
  });

  test("an S0 at the cap on the full tier is never blocked, and the comment says it counts", () => {
    const fire = plan({
      ...UK_EMAIL,
      title: "UK IS ON FIRE",
      body: "openfoodnetwork.org.uk is down",
    });
    const capped = applyHourCaps(fire, new Map([["uk", 12]]), registry, policy);
    expect(capped.outcome).toBe("accepted");
    expect(capped.reasons.at(-1)).toMatch(
      /over the cap, but S0 emergencies are never blocked \(the hours still count\)/,
    );
  });

  test("a tier without a cap is never counted", () => {
    const be = decide(
      {
        ...UK_EMAIL,
        title: "Belgian deployment",
        body: "Please deploy the new release to openfoodnetwork.be",
      },
      registry,
      policy,
    );
    expect(applyHourCaps(be, new Map([["be", 1000]]), registry, policy)).toBe(be);
  });

  test("periods and counting: quarter and month of a date; jobs-board and rejected work never count", () => {
    expect(currentPeriod("quarter", new Date("2026-11-25T12:00:00Z")).label).toBe("2026-Q4");
    expect(currentPeriod("month", new Date("2026-11-25T12:00:00Z")).label).toBe("2026-11");
    const record = {
      repo: "r",
      number: 1,
      title: "t",
      createdAt: "2026-11-01T00:00:00Z",
      instances: ["uk", "fr"],
      size: "M" as const,
      outcome: "accepted" as const,
      jobBoard: false,
      entries: [
        // Logged in the quarter before: a cap counts hours by when they were logged.
        { by: "dev", at: "2026-09-30T12:00:00Z", minutes: 120, bucket: "pipe" as const },
        { by: "dev", at: "2026-11-02T12:00:00Z", minutes: 90, bucket: "pipe" as const },
        { by: "dev", at: "2026-11-02T12:00:00Z", minutes: 600, bucket: "jobs" as const },
      ],
    };
    const config = { registry, policy };
    const q4 = currentPeriod("quarter", new Date("2026-11-25T12:00:00Z"));
    const q1 = currentPeriod("quarter", new Date("2027-01-25T12:00:00Z"));
    const nominal = { hours: 12, per: "quarter", count: "nominal" } as const;
    const logged = { hours: 12, per: "quarter", count: "logged" } as const;
    expect(hoursCounted(record, nominal, config, q4)).toBe(5); // 10h shared by two
    expect(hoursCounted(record, logged, config, q4)).toBe(0.75);
    // The next quarter: the request was opened before it, and nothing was logged in it.
    expect(hoursCounted(record, nominal, config, q1)).toBe(0);
    expect(hoursCounted(record, logged, config, q1)).toBe(0);
    expect(
      hoursCounted(
        { ...record, jobBoard: true },
        { hours: 12, per: "quarter", count: "nominal" },
        config,
        q4,
      ),
    ).toBe(0);
    expect(
      hoursCounted(
        { ...record, outcome: "rejected" },
        { hours: 12, per: "quarter", count: "nominal" },
        config,
        q4,
      ),
    ).toBe(0);
  });
});

describe("hour caps on GitHub", () => {
  const gh = installGitHubSchemaCheck();
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());
  beforeEach(() => {
    forgetKnownLabels();
    forgetCapUsage();
  });
  checkAfterEachTest(gh);

  test("a new request over the cap, counted from the pipe's issues, is rejected with the figures", async () => {
    const REPO = "/repos/openfoodfoundation/ofn-install";
    const labels = (size: string) =>
      ["sysadmin-pipe", "instance:uk", "S2", `size:${size}`, "category:dns"].map((name) => ({
        name,
      }));
    const now = new Date().toISOString();
    let comment = "";
    gh.watch(mockInstallationToken());
    gh.watch(nock(API))
      .get(`${REPO}/issues/30/comments`)
      .query(true)
      .reply(200, [])
      // The quarter so far: two accepted M requests for UK, 10 nominal hours each.
      .get(`${REPO}/issues`)
      .query((q) => q.state === "all" && q.labels === "sysadmin-pipe")
      .reply(200, [
        { number: 21, title: "a", created_at: now, labels: labels("M"), user: { login: "x" } },
        { number: 22, title: "b", created_at: now, labels: labels("XS"), user: { login: "x" } },
      ])
      .get(`${REPO}/issues/comments`)
      .query(true)
      .reply(
        200,
        [21, 22].map((n) => ({
          ...restComment(
            n,
            `<!-- sysadmin-pipe -->\n<!-- sysadmin-pipe:state {"v":1,"applied":[],"suppressed":[],"overrides":{},"outcome":"accepted"} -->`,
          ),
          issue_url: `${API}${REPO}/issues/${n}`,
          created_at: now,
        })),
      )
      .get(`${REPO}/labels`)
      .query(true)
      .reply(200, [])
      .post(`${REPO}/labels`)
      .times(10)
      .reply(201, (_u, b) => b)
      .post(`${REPO}/issues/30/labels`)
      .reply(200, [])
      .post(`${REPO}/issues/30/comments`, (b: { body: string }) => ((comment = b.body), true))
      .reply(201, restComment(99, "x"));
    const probot = makeProbot({ config: { registry, policy }, dryRun: false });

    await probot.receive({
      id: "cap-1",
      name: "issues",
      payload: issuesPayload("opened", { number: 30, title: UK_EMAIL.title, body: UK_EMAIL.body }),
    } as never);

    // 10 (M) + 0.5 (XS) used; this S request is about 3: 13.5 > 12.
    expect(comment).toContain("Not covered");
    expect(comment).toContain(
      "UK has used 10.5 of 12 pipe hours this quarter; this S request is about 3, over the cap",
    );
  });
});

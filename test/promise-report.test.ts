// The load report's response promises: per tier and severity, how many were met, missed or are
// still open, and the median time to a first response, each promise counted in the period its
// due time falls in. The figures below are worked out by hand.
import { loadReport, renderLoadReport, type PipeRecord } from "../src/report/load.js";
import { parsePeriod } from "../src/report/period.js";
import { humanMinutes, promiseRows, renderPromises } from "../src/report/promises.js";
import type { Tier } from "../src/registry/schema.js";
import type { Severity } from "../src/registry/vocabulary.js";
import { shippedConfig } from "./helpers/config.js";

const { registry, policy } = shippedConfig();
const NOVEMBER = parsePeriod("2026-11")!;
const DECEMBER = parsePeriod("2026-12")!;
/** When the reports are read: well after November, unless a test says otherwise. */
const LATER = new Date("2027-01-15T00:00:00Z");

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let number = 0;
/** An accepted request whose clock started when it was opened, answered after `answered`
 * minutes (or not). The promise is the shipped tiers.yml's: full S0 1h, S1 1d; basic S2 5d. */
function promised(
  tier: Tier | undefined,
  severity: Severity,
  openedAt: string,
  promiseMinutes: number,
  answered?: number,
): PipeRecord {
  const start = Date.parse(openedAt);
  return {
    repo: "openfoodfoundation/ofn-install",
    number: ++number,
    title: "x",
    createdAt: openedAt,
    instances: [tier === "basic" ? "fr" : "uk"],
    severity,
    outcome: "accepted",
    jobBoard: false,
    entries: [],
    response: {
      severity,
      ...(tier ? { tier } : {}),
      startedAt: iso(start),
      dueAt: iso(start + promiseMinutes * MINUTE),
      ...(answered !== undefined
        ? { respondedAt: iso(start + answered * MINUTE), respondedBy: "sysadmin-dev" }
        : {}),
      escalated: [],
    },
  };
}
const HOUR = 60;
const DAY = 24 * HOUR;

describe("which promises a period counts", () => {
  test("a full-tier S0 answered in 25 minutes is met, one answered after 90 minutes is missed, and the median is 58 min", () => {
    const rows = promiseRows(
      [
        promised("full", "S0", "2026-11-03T10:00:00Z", HOUR, 25),
        promised("full", "S0", "2026-11-17T22:00:00Z", HOUR, 90),
      ],
      NOVEMBER,
      policy,
      LATER,
    );
    expect(rows).toEqual([
      {
        tier: "full",
        severity: "S0",
        promised: "1h",
        met: 1,
        missed: 1,
        open: 0,
        medianMinutesToResponse: 58, // (25 + 90) / 2 = 57.5
      },
    ]);
  });

  test("an unanswered S1 past its day is missed; one not yet due is open", () => {
    const midNovember = new Date("2026-11-20T12:00:00Z");
    const rows = promiseRows(
      [
        promised("full", "S1", "2026-11-10T09:00:00Z", DAY),
        promised("full", "S1", "2026-11-20T09:00:00Z", DAY),
      ],
      NOVEMBER,
      policy,
      midNovember,
    );
    expect(rows).toEqual([
      { tier: "full", severity: "S1", promised: "1d", met: 0, missed: 1, open: 1 },
    ]);
  });

  test("a promise due next month is not in this month's table, but in next month's", () => {
    // Opened on 28 November, a basic S2's five days run out on 3 December.
    const late = promised("basic", "S2", "2026-11-28T12:00:00Z", 5 * DAY, 2 * DAY);
    // Opened on the last evening of October, a full S0's hour runs out in November.
    const early = promised("full", "S0", "2026-10-31T23:30:00Z", HOUR, 20);
    expect(promiseRows([late, early], NOVEMBER, policy, LATER)).toEqual([
      expect.objectContaining({ tier: "full", severity: "S0", met: 1 }),
    ]);
    expect(promiseRows([late, early], DECEMBER, policy, LATER)).toEqual([
      {
        tier: "basic",
        severity: "S2",
        promised: "5d",
        met: 1,
        missed: 0,
        open: 0,
        medianMinutesToResponse: 2 * DAY,
      },
    ]);
  });

  test("rows go by tier, then severity; a clock that recorded no tier is listed last, without a promise", () => {
    const rows = promiseRows(
      [
        promised(undefined, "S1", "2026-11-04T09:00:00Z", DAY, 30),
        promised("full", "S1", "2026-11-05T09:00:00Z", DAY, 3.5 * HOUR),
        promised("basic", "S2", "2026-11-06T09:00:00Z", 5 * DAY),
        promised("full", "S0", "2026-11-07T09:00:00Z", HOUR, 10),
      ],
      NOVEMBER,
      policy,
      LATER,
    );
    expect(rows.map((r) => [r.tier ?? "—", r.severity, r.promised ?? "—"])).toEqual([
      ["basic", "S2", "5d"],
      ["full", "S0", "1h"],
      ["full", "S1", "1d"],
      ["—", "S1", "—"],
    ]);
  });

  test("a request without a clock (no promise, or not accepted) is in no row", () => {
    const accepted = promised("full", "S0", "2026-11-03T10:00:00Z", HOUR);
    const rejected = { ...accepted, outcome: "rejected" as const, response: undefined };
    expect(promiseRows([rejected], NOVEMBER, policy, LATER)).toEqual([]);
  });
});

describe("the times as people read them", () => {
  test("minutes under an hour, hours under a day, then days", () => {
    expect(humanMinutes(25)).toBe("25 min");
    expect(humanMinutes(58)).toBe("58 min");
    expect(humanMinutes(60)).toBe("1 h");
    expect(humanMinutes(210)).toBe("3.5 h");
    expect(humanMinutes(2 * DAY)).toBe("2 d");
    expect(humanMinutes(1.25 * DAY)).toBe("1.3 d");
  });
});

describe("the load report's section", () => {
  const records = [
    promised("full", "S0", "2026-11-03T10:00:00Z", HOUR, 25),
    promised("full", "S0", "2026-11-17T22:00:00Z", HOUR, 90),
    promised("full", "S1", "2026-11-10T09:00:00Z", DAY),
    promised("basic", "S2", "2026-11-12T09:00:00Z", 5 * DAY, 3.5 * HOUR),
  ];
  const report = loadReport(records, NOVEMBER, registry, policy, LATER);

  test("the report carries the rows, and the S0 section stays as it was", () => {
    expect(report.promises).toHaveLength(3);
    expect(report.s0).toEqual({ count: 2, unanswered: 2 });
  });

  test("the Markdown shows the table after the emergencies, with what met and missed mean", () => {
    const md = renderLoadReport(report);
    const section = md.slice(md.indexOf("## Response promises"), md.indexOf("## Busiest"));
    expect(md.indexOf("## Emergencies (S0)")).toBeLessThan(md.indexOf("## Response promises"));
    expect(section).toBe(
      [
        "## Response promises",
        "",
        "Each promise counts in the period its due time falls in. Met: a person first answered by the due time. Missed: the first answer came later, or has not come and the time is past. Open: not yet due and not yet answered.",
        "",
        "| tier | severity | promised | met | missed | open | median time to first response |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| basic | S2 | 5d | 1 | 0 | 0 | 3.5 h |",
        "| full | S0 | 1h | 1 | 1 | 0 | 58 min |",
        "| full | S1 | 1d | 0 | 1 | 0 | — |",
        "",
        "",
      ].join("\n"),
    );
  });

  test("a period in which no promise fell due says so", () => {
    const md = renderLoadReport(loadReport(records, DECEMBER, registry, policy, LATER));
    expect(md).toContain("## Response promises");
    expect(md).toContain("No response promises fell due in this period.");
    expect(renderPromises([]).at(-1)).toBe("No response promises fell due in this period.");
  });
});

// The jobs board's jobs as pure rules: a developer takes a request, estimates it, the instance's
// manager agrees, the developer logs time and delivers; what each step records, who may do it,
// and what the comment, the card and the issue show for it.
import { agreedFor, jobLines } from "../src/triage/job.js";
import { applyCommands, type CommandContext } from "../src/commands/apply.js";
import { parseCommands } from "../src/commands/parse.js";
import { mayRun, whoMay } from "../src/commands/who-may.js";
import { boardTarget } from "../src/triage/card.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import { jobWrites } from "../src/triage/job.js";
import { jobMinutes, timeTotals } from "../src/triage/time-log.js";
import { decodeState, encodeState, mergeStates } from "../src/triage/state.js";
import type { RecordedState } from "../src/triage/types.js";
import { shippedConfig, withTiers } from "./helpers/config.js";

const shipped = shippedConfig();
const registry = withTiers(shipped.registry, {
  de: { tier: "basic", managers: ["de-manager"] },
  fr: { tier: "full", managers: ["fr-manager"] },
});
const policy = shipped.policy;

const maintainer = { login: "sysadmin-dev", maintainer: true };
const developer = { login: "jobs-dev", maintainer: false, developer: true };
const otherDeveloper = { login: "other-dev", maintainer: false, developer: true };
const deManager = { login: "de-manager", maintainer: false };
const frManager = { login: "fr-manager", maintainer: false };
const stranger = { login: "passer-by", maintainer: false };

const DE_EMAIL = {
  repo: "openfoodfoundation/ofn-install",
  title: "Emails from openfoodnetwork.de bounce",
  body: "Order confirmations have bounced since Monday.",
  labels: [],
};
const NOON = "2026-11-02T12:00:00.000Z";

/** A German email request its basic tier does not cover, put on the jobs board by its manager. */
const ON_JOBS_BOARD: RecordedState = {
  v: 1,
  applied: ["sysadmin-pipe", "instance:de", "S1", "size:S", "category:email", "not-covered"],
  suppressed: [],
  overrides: {},
  outcome: "rejected",
  commanded: { overrides: {}, jobBoard: { by: "de-manager" } },
};

function context(actor: CommandContext["actor"], previous: RecordedState): CommandContext {
  const plan = decide({ ...DE_EMAIL, previous }, registry, policy);
  return {
    actor,
    scope: { instances: plan.instances, outcome: plan.outcome, taker: plan.job?.taker },
    previous,
    labels: [...previous.applied],
    registry,
    policy,
    now: NOON,
  };
}

/** A comment's commands by one person, from a state; the results and the new state. */
function say(actor: CommandContext["actor"], text: string, previous = ON_JOBS_BOARD) {
  const parsed = parseCommands(text);
  return applyCommands(parsed.commands, parsed.problems, context(actor, previous));
}

/** The steps of a job, one comment each, each from the state the last one left. */
function steps(...comments: [CommandContext["actor"], string][]): RecordedState {
  return comments.reduce((state, [actor, text]) => {
    const outcome = say(actor, text, state);
    const refused = outcome.results.filter((r) => r.status !== "done");
    if (refused.length) throw new Error(`${text}: ${JSON.stringify(refused)}`);
    return outcome.state;
  }, ON_JOBS_BOARD);
}

const planOf = (state: RecordedState) => decide({ ...DE_EMAIL, previous: state }, registry, policy);
const commentOf = (state: RecordedState) => renderComment(planOf(state), state, registry);
const columnOf = (state: RecordedState, issue: "open" | "closed" = "open") =>
  boardTarget(planOf(state), issue, registry, timeTotals(state)).column;

describe("taking a job", () => {
  test("a developer takes a jobs-board request: recorded as its taker, card to In progress", () => {
    const taken = say(developer, "/take");
    expect(taken.results).toEqual([{ what: "/take", status: "done" }]);
    expect(taken.state.commanded?.job).toEqual({ taker: "jobs-dev" });
    expect(columnOf(ON_JOBS_BOARD)).toBe("jobs_board");
    expect(columnOf(taken.state)).toBe("in_progress");
    expect(commentOf(taken.state)).toContain("**Taken by** @jobs-dev.");
  });

  test("only a request on the jobs board can be taken", () => {
    const covered: RecordedState = { ...ON_JOBS_BOARD, commanded: { overrides: {} } };
    expect(say(developer, "/take", covered).results[0]).toMatchObject({
      status: "invalid",
      message: expect.stringContaining("only a request on the jobs board can be taken"),
    });
  });

  test("a taken job is not taken again until it is released, and then anyone may take it", () => {
    const taken = steps([developer, "/take"]);
    expect(say(otherDeveloper, "/take", taken).results[0]).toMatchObject({
      status: "invalid",
      message: "@jobs-dev has taken it; they (or a maintainer) can `/release` it",
    });
    const released = say(developer, "/release", taken);
    expect(released.results[0]!.status).toBe("done");
    expect(released.state.commanded?.job).toBeUndefined();
    expect(columnOf(released.state)).toBe("jobs_board");
    expect(say(otherDeveloper, "/take", released.state).state.commanded?.job?.taker).toBe(
      "other-dev",
    );
  });

  test("jobs-board time someone else logged is not the developer's job time", () => {
    const logged = steps([maintainer, "/spent 1h"]);
    const taken = steps([maintainer, "/spent 1h"], [developer, "/take"], [developer, "/spent 2h"]);
    expect(timeTotals(logged)).toEqual({ pipe: 0, jobs: 60 });
    expect(timeTotals(taken)).toEqual({ pipe: 0, jobs: 180 });
    expect(jobMinutes(taken.commanded!.job!, taken)).toBe(120);
  });

  test("a record older than time entries keeps its totals, and its job's time before it was taken stays apart", () => {
    const older: RecordedState = {
      ...ON_JOBS_BOARD,
      time: { pipe: 0, jobs: 200 },
      commanded: { ...ON_JOBS_BOARD.commanded!, job: { taker: "jobs-dev", from: 20 } },
    };
    expect(jobMinutes(older.commanded!.job!, older)).toBe(180);
    const after = say(developer, "/spent 1h", older).state;
    expect(timeTotals(after)).toEqual({ pipe: 0, jobs: 260 });
    expect(after.time).toEqual({ pipe: 0, jobs: 200 }); // never added to
    expect(jobMinutes(after.commanded!.job!, after)).toBe(240);
    expect(after.entries).toEqual([
      expect.objectContaining({ by: "jobs-dev", minutes: 60, bucket: "jobs" }),
    ]);
  });
});

describe("who may do what with a job", () => {
  const taken = steps([developer, "/take"]);
  const may = (actor: CommandContext["actor"], text: string, state = taken) => {
    const command = parseCommands(text).commands[0]!;
    return mayRun(command, actor, context(actor, state).scope, registry).allowed;
  };

  test("/take: maintainers and the jobs-board developers' team", () => {
    expect(may(developer, "/take", ON_JOBS_BOARD)).toBe(true);
    expect(may(maintainer, "/take", ON_JOBS_BOARD)).toBe(true);
    expect(may(stranger, "/take", ON_JOBS_BOARD)).toBe(false);
    expect(may(deManager, "/take", ON_JOBS_BOARD)).toBe(false);
    expect(whoMay("take")).toBe(
      "maintainers (write access to this repository) or members of the jobs-board developers' team",
    );
  });

  test("/release, /estimate, /spent and /done: the developer who took it, or a maintainer", () => {
    for (const text of ["/release", "/estimate 6h", "/spent 1h", "/done"]) {
      expect(may(developer, text)).toBe(true);
      expect(may(maintainer, text)).toBe(true);
      // Another developer of the team is not this job's developer.
      expect(may(otherDeveloper, text)).toBe(false);
    }
    expect(whoMay("done")).toBe(
      "maintainers (write access to this repository) or the developer who took the job",
    );
  });

  test("/agree: only the managers of the instance it is about, not maintainers", () => {
    expect(may(deManager, "/agree")).toBe(true);
    expect(may(maintainer, "/agree")).toBe(false);
    expect(may(frManager, "/agree")).toBe(false);
    expect(may(developer, "/agree")).toBe(false);
    expect(whoMay("agree")).toBe("only the managers of the instance it is about");
  });

  test("a developer who takes a job may estimate it in the same comment", () => {
    const outcome = say(developer, "/take\n/estimate 6h");
    expect(outcome.results.map((r) => r.status)).toEqual(["done", "done"]);
    expect(outcome.state.commanded?.job).toEqual({ taker: "jobs-dev", estimate: 360 });
  });
});

describe("estimate and agreement", () => {
  test("the estimate is shown on the card, in hours, beside the hours logged", () => {
    const estimated = steps(
      [developer, "/take"],
      [developer, "/estimate 90m"],
      [developer, "/spent 1h"],
    );
    const target = boardTarget(planOf(estimated), "open", registry, timeTotals(estimated));
    expect(target).toMatchObject({ column: "in_progress", estimate: 1.5, hours: 1 });
    expect(boardTarget(planOf(ON_JOBS_BOARD), "open", registry)).not.toHaveProperty("estimate");
  });

  test("until the instance agrees, the comment says the job waits before work starts", () => {
    const estimated = steps([developer, "/take"], [developer, "/estimate 6h"]);
    expect(commentOf(estimated)).toContain("**Taken by** @jobs-dev, estimate **6h**.");
    expect(commentOf(estimated)).toContain(
      "The job waits for the instance's agreement before work starts: a manager of Germany agrees to the estimate with `/agree`.",
    );
    const agreed = steps([developer, "/take"], [developer, "/estimate 6h"], [deManager, "/agree"]);
    expect(agreed.commanded?.job?.agreed).toEqual({
      by: "de-manager",
      at: NOON,
      instances: ["de"],
    });
    expect(commentOf(agreed)).toContain("Agreed by @de-manager on 2026-11-02");
    expect(commentOf(agreed)).not.toContain("waits for the instance's agreement");
  });

  test("a job without an estimate waits too, and cannot be agreed yet", () => {
    const taken = steps([developer, "/take"]);
    expect(commentOf(taken)).toContain("waits for the instance's agreement before work starts");
    expect(say(deManager, "/agree", taken).results[0]).toMatchObject({
      status: "invalid",
      message:
        "there is no estimate to agree to yet: @jobs-dev gives one with `/estimate 6h at 45 EUR/h`",
    });
  });

  test("a new estimate clears the agreement; the same estimate keeps it", () => {
    const agreed = steps([developer, "/take"], [developer, "/estimate 6h"], [deManager, "/agree"]);
    expect(say(developer, "/estimate 6h", agreed).state.commanded?.job?.agreed).toBeDefined();
    const changed = say(developer, "/estimate 8h", agreed).state;
    expect(changed.commanded?.job).toEqual({ taker: "jobs-dev", estimate: 480 });
    expect(commentOf(changed)).toContain("waits for the instance's agreement");
  });

  test("estimates are read as /spent reads durations; nonsense is explained", () => {
    const messages = parseCommands("/estimate soon\n/estimate 0h\n/estimate 900h").problems.map(
      (p) => p.message,
    );
    expect(messages).toEqual([
      "`soon` is not a duration: write it like `6h`, `6h at 45 EUR/h` or `250 EUR fixed`",
      "an estimate must be more than zero",
      "an estimate is at most 500h: split larger work into several requests",
    ]);
    expect(parseCommands("/estimate 1h30m").commands).toEqual([{ name: "estimate", minutes: 90 }]);
  });
});

describe("delivering a job", () => {
  const agreed = steps([developer, "/take"], [developer, "/estimate 6h"], [deManager, "/agree"]);

  test("/done records who and when; the card goes to Done; the job cannot change any more", () => {
    const done = say(developer, "/spent 2h\n/done", agreed).state;
    expect(done.commanded?.job?.done).toEqual({ by: "jobs-dev", at: NOON });
    expect(timeTotals(done)).toEqual({ pipe: 0, jobs: 120 });
    expect(columnOf(done)).toBe("done");
    expect(commentOf(done)).toContain("✔️ **Done** on 2026-11-02");
    for (const text of ["/estimate 8h", "/release", "/done"])
      expect(say(developer, text, done).results[0]!.message).toBe("the job is already done");
  });

  test("a job in hand keeps its request on the jobs board until it is released", () => {
    for (const text of ["/no-job-board", "/accept"]) {
      expect(say(maintainer, text, agreed).results[0]).toMatchObject({
        status: "invalid",
        message: "@jobs-dev has taken this job: `/release` it first (in the same comment is fine)",
      });
    }
    const released = say(maintainer, "/release\n/no-job-board", agreed);
    expect(released.results.map((r) => r.status)).toEqual(["done", "done"]);
  });
});

describe("what changes on the issue itself", () => {
  test("the taker is assigned, the one who gave it back unassigned, a delivered job closed", () => {
    const taken = { taker: "jobs-dev" };
    expect(jobWrites(undefined, taken)).toEqual({ assign: "jobs-dev", close: false });
    expect(jobWrites(taken, { ...taken, estimate: 60 })).toEqual({ close: false });
    expect(jobWrites(taken, undefined)).toEqual({ unassign: "jobs-dev", close: false });
    expect(jobWrites(taken, { ...taken, done: { by: "jobs-dev", at: NOON } })).toEqual({
      close: true,
    });
  });
});

describe("the recorded job", () => {
  test("survives the bot comment, and two racing comments' states keep the newest job", () => {
    const agreed = steps([developer, "/take"], [developer, "/estimate 6h"], [deManager, "/agree"]);
    expect(decodeState(encodeState(agreed))).toEqual(agreed);
    const older = steps([developer, "/take"]);
    expect(mergeStates([older, agreed]).commanded?.job).toEqual(agreed.commanded?.job);
  });
});

describe("an agreement is for the instances that agreed", () => {
  test("when the request comes to name another instance, its manager must agree again", () => {
    const job = { taker: "dev", estimate: 360, agreed: { by: "de-manager", instances: ["de"] } };
    expect(agreedFor(job, ["de"])).toBe(true);
    expect(agreedFor(job, ["fr"])).toBe(false);
    expect(jobLines(job, "France", ["fr"]).join("\n")).toMatch(
      /agreed for DE, but the request now names France: a manager of France agrees/,
    );
  });
});

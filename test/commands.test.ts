// Slash commands as pure rules: what is read, who may do what, what it changes.
import { applyCommands, type CommandContext } from "../src/commands/apply.js";
import { parseCommands, parseDuration } from "../src/commands/parse.js";
import { mayRun } from "../src/commands/who-may.js";
import { readFileSync } from "node:fs";
import { helpText, reactionsFor, renderReply } from "../src/commands/reply.js";
import { DECLARED } from "../src/commands/table.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import type { RecordedState } from "../src/triage/types.js";
import { shippedConfig, withTiers } from "./helpers/config.js";
import { timeTotals } from "../src/triage/time-log.js";

const shipped = shippedConfig();
const registry = withTiers(shipped.registry, {
  fr: { tier: "full", managers: ["fr-manager"] },
  be: { tier: "basic", managers: ["be-manager"] },
  uk: { tier: "full", managers: ["uk-manager"] },
});
const policy = shipped.policy;

const maintainer = { login: "sysadmin-dev", maintainer: true };
const frManager = { login: "fr-manager", maintainer: false };
const beManager = { login: "be-manager", maintainer: false };
const author = { login: "reporter", maintainer: false };
const stranger = { login: "passer-by", maintainer: false };

const STATE: RecordedState = {
  v: 1,
  applied: ["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"],
  suppressed: [],
  overrides: {},
  outcome: "accepted",
};

function context(
  actor: CommandContext["actor"],
  scope: Partial<CommandContext["scope"]> = {},
): CommandContext {
  return {
    actor,
    scope: { author: "reporter", instances: ["fr"], outcome: "accepted", ...scope },
    previous: STATE,
    labels: [...STATE.applied],
    registry,
    policy,
  };
}

function run(text: string, ctx: CommandContext) {
  const parsed = parseCommands(text);
  return applyCommands(parsed.commands, parsed.problems, ctx);
}

describe("reading commands from a comment", () => {
  test("several commands, one per line, in order; prose around them is ignored", () => {
    const { commands, problems } = parseCommands(
      "Thanks! Looked at it.\n/severity s0\n/size M\n/instance FR be\n/spent 1h30m\nCheers",
    );
    expect(problems).toEqual([]);
    expect(commands).toEqual([
      { name: "severity", value: "S0" },
      { name: "size", value: "M" },
      { name: "instance", codes: ["fr", "be"] },
      { name: "spent", minutes: 90 },
    ]);
  });

  test("commands inside code blocks, indented code and quotes are not commands", () => {
    const body = [
      "> /accept",
      "```",
      "/reject not today",
      "```",
      "~~~sh",
      "/severity S0",
      "~~~",
      "    /size L",
      "/category dns",
    ].join("\n");
    expect(parseCommands(body).commands).toEqual([{ name: "category", value: "dns" }]);
  });

  test("a path like /etc/nginx is not a command; an unknown command gets told what is valid", () => {
    const { commands, problems } = parseCommands(
      "see /etc/nginx\n/etc/nginx/nginx.conf\n/sevrity S1",
    );
    expect(commands).toEqual([]);
    expect(problems).toEqual([
      {
        line: "/sevrity S1",
        message: expect.stringMatching(
          /^`\/sevrity` is not a command I know \(`\/severity`, `\/size`, .*`\/help`\)$/,
        ),
      },
    ]);
  });

  test("bad arguments are explained", () => {
    const messages = parseCommands(
      "/severity S5\n/size XXL\n/category hosting\n/reject\n/accept now\n/instance",
    ).problems.map((p) => p.message);
    expect(messages).toEqual([
      "the severity must be one of S0, S1, S2, S3",
      "the size must be one of XS, S, M, L",
      expect.stringContaining("the category must be one of outage, provisioning"),
      "say why, after `/reject`",
      "`/accept` takes no arguments",
      "name at least one instance code",
    ]);
  });

  test("/spent reads the ways people write durations", () => {
    expect(parseDuration("45m")).toBe(45);
    expect(parseDuration("1h30m")).toBe(90);
    expect(parseDuration("1h 30m")).toBe(90);
    expect(parseDuration("2h")).toBe(120);
    expect(parseDuration("1.5h")).toBe(90);
    expect(parseDuration("2 hours")).toBe(120);
    expect(parseDuration("abc")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });

  test("/spent abc and /spent 0m get clear errors; /spent -3h is a correction", () => {
    const parsed = parseCommands("/spent -3h\n/spent abc\n/spent 0m");
    expect(parsed.problems.map((p) => p.message)).toEqual([
      "`abc` is not a duration: write it like `45m`, `1h30m` or `2h` (or `-30m` to correct your own time)",
      "a duration must be more than zero",
    ]);
    expect(parsed.commands).toEqual([{ name: "spent", minutes: -180 }]);
  });
});

describe("who may do what", () => {
  const scope = { author: "reporter", instances: ["fr"], outcome: "accepted" };
  const everything = [
    "/severity S2",
    "/size M",
    "/instance be",
    "/category dns",
    "/accept",
    "/reject nope",
    "/spent 1h",
    "/retriage",
    "/help",
  ];
  const commandsOf = (lines: string[]) => parseCommands(lines.join("\n")).commands;

  test("a maintainer may do everything", () => {
    for (const c of commandsOf(everything))
      expect(mayRun(c, maintainer, scope, registry)).toEqual({
        allowed: true,
        as: c.name === "help" ? "anyone" : "maintainer",
      });
  });

  test("an instance's manager may set severity, size, category and instance for their own instance", () => {
    const allowed = commandsOf(["/severity S0", "/size L", "/category dns", "/instance fr"]);
    for (const c of allowed) expect(mayRun(c, frManager, scope, registry).allowed).toBe(true);
    const refused = commandsOf(["/accept", "/reject no", "/spent 1h", "/retriage"]);
    for (const c of refused) expect(mayRun(c, frManager, scope, registry).allowed).toBe(false);
  });

  test("a manager of another instance may not touch this one", () => {
    const [severity] = commandsOf(["/severity S0"]);
    expect(mayRun(severity!, beManager, scope, registry)).toEqual({
      allowed: false,
      who: "maintainers (write access to this repository) or the managers of the instance it is about",
    });
    const [move] = commandsOf(["/instance fr"]);
    expect(mayRun(move!, beManager, scope, registry).allowed).toBe(false);
  });

  test("the author may answer a needs-info with /instance and /category, and only then", () => {
    const asking = { ...scope, instances: [], outcome: "needs-info" };
    const [instance, category, severity] = commandsOf([
      "/instance fr",
      "/category dns",
      "/severity S0",
    ]);
    expect(mayRun(instance!, author, asking, registry)).toEqual({ allowed: true, as: "author" });
    expect(mayRun(category!, author, asking, registry).allowed).toBe(true);
    expect(mayRun(severity!, author, asking, registry).allowed).toBe(false);
    expect(mayRun(category!, author, scope, registry).allowed).toBe(false);
  });

  test("anyone else may only ask for /help", () => {
    for (const c of commandsOf(everything))
      expect(mayRun(c, stranger, scope, registry).allowed).toBe(c.name === "help");
  });
});

describe("what a command changes", () => {
  test("/severity S0 by the manager replaces the severity label, and the new value holds", () => {
    const outcome = run("/severity S0", context(frManager));
    expect(outcome.results).toEqual([{ what: "/severity S0", status: "done" }]);
    expect(outcome.displace).toEqual(["S1"]);
    expect(outcome.state.commanded?.overrides).toEqual({ severity: "S0" });
    expect(outcome.state.applied).not.toContain("S1");
    expect(outcome.state.suppressed).toEqual([]);
  });

  test("an override set by command survives a later edit of the issue", () => {
    const after = run("/severity S3\n/size L", context(maintainer));
    const edited = decide(
      {
        repo: "openfoodfoundation/ofn-install",
        title: "UK IS ON FIRE",
        body: "Everything is down!",
        labels: after.labels,
        previous: after.state,
      },
      registry,
      policy,
    );
    expect(edited.severity).toBe("S3");
    expect(edited.size).toBe("L");
    expect(edited.sources.severity).toBe("override");
  });

  test("a person's label added after a command wins; removing the command's label withdraws it", () => {
    const after = run("/severity S3", context(maintainer));
    const input = {
      repo: "openfoodfoundation/ofn-install",
      title: "French email errors",
      body: "Order confirmations from coopcircuits.fr are not sent",
      previous: { ...after.state, applied: [...after.state.applied, "S3"] },
    };
    expect(
      decide({ ...input, labels: [...after.labels, "S3", "S2"] }, registry, policy).severity,
    ).toBe("S2");
    const withdrawn = decide({ ...input, labels: after.labels }, registry, policy);
    expect(withdrawn.severity).toBe("S1");
  });

  test("/instance with a code the registry lacks is refused with the known codes", () => {
    const outcome = run("/instance xx", context(maintainer));
    expect(outcome.results[0]).toMatchObject({ status: "invalid" });
    expect(outcome.results[0]!.message).toContain(
      "the registry has no instance `xx`; known codes: au,",
    );
    expect(outcome.state).toBe(STATE);
  });

  test("/accept takes a rejected request into the pipe; /reject rejects with the reason", () => {
    const base = {
      repo: "openfoodfoundation/ofn-install",
      title: "Belgian DNS records",
      body: "Please update the DNS records for openfoodnetwork.be",
      labels: [],
    };
    expect(decide(base, registry, policy).outcome).toBe("rejected");
    const accepted = run(
      "/accept",
      context(maintainer, { instances: ["be"], outcome: "rejected" }),
    );
    const plan = decide({ ...base, previous: accepted.state }, registry, policy);
    expect(plan.outcome).toBe("accepted");
    expect(plan.reasons[0]).toBe(
      "@sysadmin-dev accepted it into the pipe with `/accept`, whatever the tier says.",
    );

    const rejected = run("/reject we need a quote first", context(maintainer));
    const plan2 = decide(
      {
        ...base,
        title: "French DNS records",
        body: "DNS for coopcircuits.fr",
        previous: rejected.state,
      },
      registry,
      policy,
    );
    expect(plan2.outcome).toBe("rejected");
    expect(plan2.reasons[0]).toBe("@sysadmin-dev rejected it: we need a quote first.");
  });

  test("/job-board works only on a rejected request, and labels it job-board", () => {
    const refused = run("/job-board", context(frManager));
    expect(refused.results[0]).toMatchObject({
      status: "invalid",
      message: "only a request its tier does not cover can go on the jobs board",
    });
    const opted = run("/job-board", context(beManager, { instances: ["be"], outcome: "rejected" }));
    expect(opted.results[0]!.status).toBe("done");
    const plan = decide(
      {
        repo: "openfoodfoundation/ofn-install",
        title: "Belgian DNS records",
        body: "Please update the DNS records for openfoodnetwork.be",
        labels: [],
        previous: opted.state,
      },
      registry,
      policy,
    );
    expect(plan.jobBoard).toBe(true);
    expect(plan.labels).toContain("job-board");
    const comment = renderComment(plan, opted.state, registry);
    expect(comment).toContain("### 💼 On the jobs board");
    expect(comment).toContain("invoice Belgium");
  });

  test("/no-job-board takes a request off the jobs board; it stays not covered", () => {
    const rejectedBe = (actor: CommandContext["actor"]) =>
      context(actor, { instances: ["be"], outcome: "rejected" });
    const opted = run("/job-board", rejectedBe(beManager));
    const withdrawn = run("/no-job-board", { ...rejectedBe(beManager), previous: opted.state });
    expect(withdrawn.results[0]!.status).toBe("done");
    const plan = decide(
      {
        repo: "openfoodfoundation/ofn-install",
        title: "Belgian DNS records",
        body: "Please update the DNS records for openfoodnetwork.be",
        labels: [],
        previous: withdrawn.state,
      },
      registry,
      policy,
    );
    expect(plan).toMatchObject({ jobBoard: false, outcome: "rejected" });
    expect(plan.labels).not.toContain("job-board");
    expect(run("/no-job-board", rejectedBe(beManager)).results[0]).toMatchObject({
      status: "invalid",
      message: "it is not on the jobs board",
    });
    expect(run("/no-job-board", rejectedBe(frManager)).results[0]!.status).toBe("refused");
  });

  test("/spent adds up; jobs-board time is kept apart from pipe time", () => {
    const pipe = run("/spent 45m\n/spent 1h30m", context(maintainer));
    expect(timeTotals(pipe.state)).toEqual({ pipe: 135, jobs: 0 });
    expect(pipe.state.entries).toEqual([
      { by: "sysadmin-dev", at: expect.any(String), minutes: 45, bucket: "pipe" },
      { by: "sysadmin-dev", at: expect.any(String), minutes: 90, bucket: "pipe" },
    ]);
    const jobs = run("/job-board\n/spent 2h", {
      ...context(maintainer, { instances: ["be"], outcome: "rejected" }),
      previous: pipe.state,
    });
    expect(timeTotals(jobs.state)).toEqual({ pipe: 135, jobs: 120 });
    const plan = decide(
      {
        repo: "openfoodfoundation/ofn-install",
        title: "Belgian DNS records",
        body: "Please update the DNS records for openfoodnetwork.be",
        labels: [],
        previous: jobs.state,
      },
      registry,
      policy,
    );
    expect(renderComment(plan, jobs.state, registry)).toContain(
      "**Time logged:** 2h15m of sysadmin-pipe time; 2h of jobs-board time (paid extra work, not counted against the pipe).",
    );
  });

  test("/spent 900h is refused: one entry is at most the policy's limit", () => {
    const outcome = run("/spent 900h", context(maintainer));
    expect(outcome.results[0]).toEqual({
      what: "/spent 900h",
      status: "invalid",
      message: "one `/spent` can log at most 24h; log longer work in parts, one per day worked",
    });
    expect(outcome.state.time).toBeUndefined();
  });

  test("a refused command changes nothing and the reply names who can do it", () => {
    const outcome = run("/accept\n/severity S0", context(stranger));
    expect(outcome.state).toBe(STATE);
    expect(outcome.displace).toEqual([]);
    expect(reactionsFor(outcome.results)).toEqual(["confused"]);
    expect(renderReply(outcome.results, false, "passer-by")).toBe(
      [
        "@passer-by, these commands were not applied, so nothing changed:",
        "- `/accept`: not done, only maintainers (write access to this repository) can use `/accept`.",
        "- `/severity S0`: not done, only maintainers (write access to this repository) or the managers of the instance it is about can use `/severity S0|S1|S2|S3`.",
        "",
        "Write `/help` for the list of commands.",
        "",
      ].join("\n"),
    );
  });

  test("/help lists every command and who may use it", () => {
    const outcome = run("/help", context(stranger));
    expect(reactionsFor(outcome.results)).toEqual(["+1"]);
    const reply = renderReply(outcome.results, outcome.help, "passer-by")!;
    expect(reply).toContain(
      "| `/job-board` | put a request its tier does not cover on the paid jobs board |",
    );
    expect(reply.match(/^\| `\//gm)).toHaveLength(DECLARED.length);
  });
});

describe("one table of commands", () => {
  const rowsOf = (markdown: string) =>
    markdown
      .split("\n")
      .filter((line) => /^\|\s*`\//.test(line))
      .map((line) =>
        line
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );

  test("the sysadmin duty page's command table is /help's", () => {
    const readme = readFileSync(new URL("../docs/sysadmin-duty.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Commands in issue comments"));
    expect(rowsOf(section.slice(0, section.indexOf("**Maintainers**")))).toEqual(
      rowsOf(helpText()),
    );
  });

  test("every declared command is parsed, described, permitted and listed from its declaration", () => {
    for (const spec of DECLARED) {
      expect(helpText()).toContain(spec.usage.replace(/\|/g, "\\|"));
      const typed = `/${spec.name}${spec.name === "reject" ? " no reason" : ""}`;
      const parsed = parseCommands(typed);
      // Each either parses as written, or explains what its arguments must be.
      expect(parsed.commands.length + parsed.problems.length).toBe(1);
      if (parsed.commands[0]) expect(parsed.commands[0].name).toBe(spec.name);
    }
  });
});

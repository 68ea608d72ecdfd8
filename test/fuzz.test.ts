// Generated bad input: issue bodies, comments and registry files (random bytes, deep YAML, huge
// lists, odd Unicode, very long lines) never crash anything and never make an invalid GitHub
// request. Property-based, with a fixed seed so a failure can be replayed.
import fc from "fast-check";
import { applyCommands } from "../src/commands/apply.js";
import { parseCommands } from "../src/commands/parse.js";
import { requestWrites } from "../src/triage/issue-writes.js";
import { nextState } from "../src/triage/state.js";
import { loadRegistry } from "../src/registry/schema.js";
import { loadPolicy } from "../src/registry/policy.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import { decodeState } from "../src/triage/state.js";
import { shippedConfig } from "./helpers/config.js";
import { validateRestRequest } from "./helpers/github-schema.js";

const { registry, policy } = shippedConfig();
const RUNS = { numRuns: 150, seed: 20261125 };
const REPO = "/repos/openfoodfoundation/ofn-install";

/** Text people paste: prose, host names, commands, code fences, odd Unicode and control bytes. */
const messyText = fc.oneof(
  fc.string({ maxLength: 2000, unit: "binary" }),
  fc.string({ maxLength: 500, unit: "grapheme" }),
  fc
    .array(
      fc.constantFrom(
        "UK IS ON FIRE",
        "coopcircuits.fr",
        "/severity S0",
        "```",
        "> /accept",
        "### Instance\n\nfr — CoopCircuits (France)",
        "\u0000",
        "\u202e",
        "🔥",
        "ß",
        "\r\n",
        "/spent 99999999999999h",
        "x".repeat(5000),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(" ")),
);

describe("issues and comments nobody planned for", () => {
  test("any title, body and labels give a plan, a comment GitHub accepts, and valid requests", () => {
    fc.assert(
      fc.property(
        messyText,
        messyText,
        fc.array(fc.string({ maxLength: 60 }), { maxLength: 8 }),
        (title, body, labels) => {
          const plan = decide(
            { repo: "openfoodfoundation/ofn-install", title, body, labels },
            registry,
            policy,
          );
          const current = { labels };
          const state = nextState(plan, current, "fuzz");
          const comment = renderComment(plan, state, registry);
          expect(comment.length).toBeLessThan(65_536); // GitHub's comment limit
          expect(decodeState(comment)).toBeDefined();
          const writes = requestWrites(plan, current, comment, policy);
          const problems = [
            ...(writes.addLabels.length
              ? validateRestRequest("POST", `${REPO}/issues/1/labels`, { labels: writes.addLabels })
              : []),
            ...validateRestRequest("POST", `${REPO}/issues/1/comments`, { body: comment }),
            ...writes.removeLabels.flatMap((l) =>
              validateRestRequest(
                "DELETE",
                `${REPO}/issues/1/labels/${encodeURIComponent(l)}`,
                undefined,
              ),
            ),
          ];
          expect(problems).toEqual([]);
          for (const l of writes.addLabels) expect(l.length).toBeLessThanOrEqual(50);
        },
      ),
      RUNS,
    );
  });

  test("any comment is read as commands without throwing, and refusals change nothing", () => {
    fc.assert(
      fc.property(messyText, (text) => {
        const parsed = parseCommands(text);
        expect(parsed.commands.length + parsed.problems.length).toBeLessThanOrEqual(20);
        const previous = { v: 1 as const, applied: [], suppressed: [], overrides: {} };
        const outcome = applyCommands(parsed.commands, parsed.problems, {
          actor: { login: "stranger", maintainer: false },
          scope: { author: "someone", instances: ["fr"], outcome: "accepted" },
          previous,
          labels: [],
          registry,
          policy,
        });
        const changed = outcome.results.some((r) => r.status === "done" && r.what !== "/help");
        if (!changed) expect(outcome.state).toBe(previous);
        expect(outcome.displace).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe("registry and policy files nobody should write", () => {
  const yamlish = fc.oneof(
    fc.string({ maxLength: 3000, unit: "binary" }),
    fc
      .array(
        fc.constantFrom(
          "instances:\n",
          "  fr:\n",
          "    tier: ful\n",
          "    hosts: [a.b, a.b]\n",
          "\t",
          "  - ",
          "&a [*a]\n",
          ": :\n",
          "{{{{",
          "\u00a0",
        ),
        { maxLength: 80 },
      )
      .map((parts) => parts.join("")),
  );

  test("random text and broken YAML are explained with a line and column, never thrown", () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        for (const result of [loadRegistry(text), loadPolicy(text)]) {
          if (result.ok) continue;
          expect(result.problems.length).toBeGreaterThan(0);
          expect(result.problems.length).toBeLessThanOrEqual(50);
          for (const p of result.problems) {
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.column).toBeGreaterThanOrEqual(1);
            expect(p.message.length).toBeGreaterThan(0);
          }
        }
      }),
      RUNS,
    );
  });

  test("deep nesting, huge lists and very long lines are refused calmly", () => {
    const cases = [
      `instances: ${"[".repeat(5000)}${"]".repeat(5000)}\n`,
      `instances:\n  fr:\n    name: x\n    tier: full\n    aliases: [${Array.from({ length: 50_000 }, (_, i) => `a${i}`).join(", ")}]\n`,
      `instances:\n  fr:\n    name: ${"x".repeat(900_000)}\n    tier: full\n`,
      "a: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n".repeat(30),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString("latin1"),
    ];
    for (const text of cases) {
      const result = loadRegistry(text);
      if (!result.ok) expect(result.problems[0]!.line).toBeGreaterThanOrEqual(1);
    }
  });
});

// The triage rules, table-driven, in the domain's words.
import { decide, decideAfresh } from "../src/triage/decide.js";
import type { IssueInput } from "../src/triage/types.js";
import { shippedConfig, withTiers } from "./helpers/config.js";

const shipped = shippedConfig();
const { policy } = shipped;
// Tiers fixed here so the tests don't depend on the example tiers of the shipped registry.
const registry = withTiers(shipped.registry, {
  uk: { tier: "full" },
  fr: { tier: "full" },
  au: { tier: "full" },
  be: { tier: "basic" },
  de: { tier: "basic" },
  ca: { tier: "full" },
  ie: { tier: "none" },
  no: { tier: "full", os: "debian" },
  es: { tier: "full" },
});

const INSTALL = "openfoodfoundation/ofn-install";

function issue(title: string, body = "", extra: Partial<IssueInput> = {}): IssueInput {
  return { repo: INSTALL, title, body, labels: [], ...extra };
}

function triage(input: IssueInput, reg = registry) {
  return decide(input, reg, policy);
}

describe("emergencies are recognised", () => {
  test.each([
    ["UK IS ON FIRE", "uk"],
    ["French Prod Downtime!", "fr"],
    ["Aus Production down", "au"],
  ])("%s is an S0 outage", (title, code) => {
    const plan = triage(issue(title));
    expect(plan).toMatchObject({
      kind: "instance",
      instances: [code],
      category: "outage",
      severity: "S0",
      outcome: "accepted",
    });
  });

  test("a broken staging server is S1, not S0", () => {
    const plan = triage(issue("Katuma Staging is broken", "staging is down since the last deploy"));
    expect(plan).toMatchObject({ instances: ["es"], category: "outage", severity: "S1" });
  });
});

describe("tiers decide what is covered", () => {
  test("a full-tier email problem is accepted with the tier as the reason", () => {
    const plan = triage(
      issue("French email errors", "Order confirmations are not sent from coopcircuits.fr"),
    );
    expect(plan.outcome).toBe("accepted");
    expect(plan.category).toBe("email");
    expect(plan.labels).toEqual(["sysadmin-pipe", "instance:fr", "S1", "size:S", "category:email"]);
    expect(plan.reasons[0]).toBe("France is on the full tier, which covers email");
  });

  test("a basic-tier DNS request is rejected and pointed to the jobs board and a tier review", () => {
    const plan = triage(
      issue("DNS records for openfoodnetwork.be are wrong", "the SPF record is missing"),
    );
    expect(plan.outcome).toBe("rejected");
    expect(plan.labels).toContain("not-covered");
    expect(plan.verdicts[0]).toMatchObject({
      code: "be",
      covered: false,
      instead: ["job-board", "tier-review"],
    });
    expect(plan.verdicts[0]?.reason).toBe(
      "Belgium is on the basic tier, which covers provisioning and deployment, not dns",
    );
  });

  test("a basic-tier deployment is accepted", () => {
    expect(triage(issue("Please deploy the latest release to Belgium")).outcome).toBe("accepted");
  });

  test("a basic-tier instance gets no S0 response", () => {
    const plan = triage(
      issue("Deploy is stuck", "", { labels: ["instance:de", "category:deployment", "S0"] }),
    );
    expect(plan.severity).toBe("S0");
    expect(plan.outcome).toBe("rejected");
    expect(plan.verdicts[0]?.reason).toMatch(/no critical-incident \(S0\) response/);
  });

  test("a none-tier instance's request is rejected and pointed to the jobs board", () => {
    const plan = triage(
      issue("Ireland: set up our new production server", "provision openfoodnetwork.ie please"),
    );
    expect(plan.outcome).toBe("rejected");
    expect(plan.verdicts[0]?.reason).toMatch(/none tier, so the global team does no sysadmin work/);
    expect(plan.verdicts[0]?.instead).toContain("job-board");
  });

  test.each(["full", "basic", "none"] as const)(
    "a local website request is never covered on the %s tier",
    (tier) => {
      const reg = withTiers(registry, { ch: { tier } });
      const plan = triage(
        issue(
          "Update the WordPress theme on our local website",
          "The Swiss local website (WordPress)",
        ),
        reg,
      );
      expect(plan).toMatchObject({ category: "website", outcome: "rejected" });
      expect(plan.verdicts[0]?.reason).toMatch(/never covered/);
    },
  );

  test("a size over the tier's cap is rejected to the jobs board", () => {
    const capped = {
      ...policy,
      tiers: { ...policy.tiers, full: { ...policy.tiers.full, max_size: "S" as const } },
    };
    const plan = decide(
      issue("Migrate US server to new provider"),
      withTiers(registry, { us: { tier: "full" } }),
      capped,
    );
    expect(plan.size).toBe("M");
    expect(plan.outcome).toBe("rejected");
    expect(plan.verdicts[0]).toMatchObject({ instead: ["job-board"] });
    expect(plan.verdicts[0]?.reason).toMatch(/up to size S; this one looks like M/);
  });

  test.each(["provisioning", "upgrade", "migration"])(
    "%s on a server that is not Ubuntu is rejected with that reason",
    (category) => {
      const plan = triage(
        issue(`Norway server work`, "", { labels: [`category:${category}`, "instance:no"] }),
      );
      expect(plan.outcome).toBe("rejected");
      expect(plan.verdicts[0]?.reason).toMatch(/runs debian; .* only supported on Ubuntu servers/);
    },
  );

  test("other work on a non-Ubuntu server is judged by its tier as usual", () => {
    const plan = triage(issue("Norway: emails bounce", "", { labels: ["instance:no"] }));
    expect(plan.outcome).toBe("accepted");
  });
});

describe("requests for several instances are judged per instance", () => {
  test("FR and BE DNS issues: France is covered, Belgium is not", () => {
    const plan = triage(issue("FR and BE DNS issues", "DNS for both domains stopped resolving"));
    expect(plan.instances).toEqual(["fr", "be"]);
    expect(plan.outcome).toBe("accepted");
    expect(plan.verdicts.map((v) => [v.code, v.covered])).toEqual([
      ["fr", true],
      ["be", false],
    ]);
    expect(plan.labels).toEqual(expect.arrayContaining(["instance:fr", "instance:be"]));
    expect(plan.labels).not.toContain("not-covered");
  });

  test("when no instance is covered, the whole request is rejected", () => {
    const plan = triage(issue("DNS broken for Belgium and Germany"));
    expect(plan.instances).toEqual(["be", "de"]);
    expect(plan.outcome).toBe("rejected");
  });
});

describe("ask, don't guess", () => {
  test("an outage with no instance named needs info, and keeps its S0", () => {
    const plan = triage(
      issue("Site returns 502 Bad Gateway", "Nobody can reach the shop since 9am"),
    );
    expect(plan).toMatchObject({
      kind: "instance",
      outcome: "needs-info",
      missing: ["instance"],
      severity: "S0",
    });
    expect(plan.labels).toEqual([
      "sysadmin-pipe",
      "needs-triage",
      "S0",
      "size:S",
      "category:outage",
    ]);
  });

  test("an instance with no recognisable request needs info", () => {
    const plan = triage(issue("Question about the UK server", "hello"));
    expect(plan).toMatchObject({
      kind: "instance",
      instances: ["uk"],
      outcome: "needs-info",
      missing: ["category"],
    });
    expect(plan.labels).toEqual(["sysadmin-pipe", "instance:uk", "needs-triage"]);
  });
});

describe("ofn-install's own work stays out of the pipe", () => {
  test.each([
    ["Bump Ansible from 2.10 to 3.0", "Tested with `ansible-playbook site.yml --limit vagrant`."],
    [
      "Refactor inventory group_vars for all instances",
      "Move the repeated locale settings into all.yml.",
    ],
    [
      "Make the certbot role renew with the nginx plugin",
      "fails when nginx is already running on every server",
    ],
  ])("%s is an install issue", (title, body) => {
    const plan = triage(issue(title, body));
    expect(plan).toMatchObject({ kind: "install", outcome: "not-pipe", labels: ["ofn-install"] });
  });

  test("an issue elsewhere that isn't sysadmin work is `other`", () => {
    const plan = triage(
      issue("Add a dark mode to the shopfront", "", { repo: "openfoodfoundation/openfoodnetwork" }),
    );
    expect(plan).toMatchObject({ kind: "other", outcome: "not-pipe", labels: [] });
  });
});

describe("instances are found the ways people write them", () => {
  test.each([
    ["Aus Production down", ["au"]],
    ["Migrate Fr staging instance on a new server", ["fr"]],
    ["Backups of the Katuma database stopped", ["es"]],
    ["[Upgrade Ubuntu] ca_prod", ["ca"]],
    ["Zapier integration for OFN-CAN server", ["ca"]],
    ["SSL expiry on USA?", ["us"]],
    ["Sidekiq stopped on staging.openfoodnetwork.org.uk", ["uk"]],
    ["Upgrade Postgres on the Indian server", ["in"]],
    ["New Relic alerts are not sent for UK and FR", ["uk", "fr"]],
    ["Le fr à la prod ne répond plus", ["fr"]],
    ["Sidekiq stopped on the UK\u212A server", ["uk"]], // a Kelvin sign after the code
  ])("%s → %j", (title, codes) => {
    expect(triage(issue(title)).instances).toEqual(codes);
  });

  test.each([
    "It is down again",
    "Let us know when in production",
    "Emails are sent in the wrong order",
    "The CA certificate bundle is outdated",
    "Le café fré server est lent",
  ])("ordinary words are not mistaken for instance codes: %s", (title) => {
    expect(triage(issue(title)).instances).toEqual([]);
  });

  test("the instance's own repository names the instance", () => {
    const reg = withTiers(registry, { uk: { repos: ["openfoodfoundation/ofn-uk"] } });
    const plan = triage(issue("Emails bounce", "", { repo: "openfoodfoundation/ofn-uk" }), reg);
    expect(plan.instances).toEqual(["uk"]);
  });
});

describe("the request form is read when present", () => {
  const formBody = (instance: string, category: string, severity: string, size = "_No response_") =>
    `### Instance\n\n${instance}\n\n### Category\n\n${category}\n\n### Severity\n\n${severity}\n\n### Size (if you know it)\n\n${size}\n\n### What is happening?\n\nsomething`;

  test("the form's fields win over the text", () => {
    const plan = triage(
      issue(
        "Help",
        formBody(
          "fr — CoopCircuits (France), uk — Open Food Network UK",
          "email — Emails not sent",
          "S2 — something broken",
          "XS — under 1 hour",
        ),
      ),
    );
    expect(plan).toMatchObject({
      instances: ["fr", "uk"],
      category: "email",
      severity: "S2",
      size: "XS",
      outcome: "accepted",
    });
    expect(plan.sources).toEqual({
      instances: "form",
      category: "form",
      severity: "form",
      size: "form",
    });
  });
});

describe("a person's label is an override the app keeps", () => {
  test("a severity label set by a person wins over the text", () => {
    const plan = triage(issue("UK IS ON FIRE", "", { labels: ["S1"] }));
    expect(plan.severity).toBe("S1");
    expect(plan.labels).toContain("S1");
    expect(plan.labels).not.toContain("S0");
  });

  test("a label the app added earlier is not an override", () => {
    const previous = {
      v: 1 as const,
      applied: ["sysadmin-pipe", "instance:uk", "S3"],
      suppressed: [],
      overrides: {},
    };
    const plan = triage(issue("UK IS ON FIRE", "", { labels: previous.applied, previous }));
    expect(plan.severity).toBe("S0");
  });

  test("an app label a person removed is not added again", () => {
    const previous = {
      v: 1 as const,
      applied: ["sysadmin-pipe", "instance:uk", "S0", "size:S", "category:outage"],
      suppressed: [],
      overrides: {},
    };
    const plan = triage(
      issue("UK IS ON FIRE", "", {
        labels: ["sysadmin-pipe", "instance:uk", "S0", "category:outage"],
        previous,
      }),
    );
    expect(plan.labels).not.toContain("size:S");
    expect(plan.suppressed).toEqual(["size:S"]);
  });
});

describe("a delivery is decided once", () => {
  const { registry, policy } = shippedConfig();
  const input = {
    repo: "openfoodfoundation/ofn-install",
    number: 4,
    title: "UK IS ON FIRE",
    body: "openfoodnetwork.org.uk answers 502",
    labels: [],
  };

  test("its turn finds the decision made when it was received, when the issue reads the same", () => {
    const received = decide({ ...input }, registry, policy);
    expect(decide({ ...input, labels: [] }, registry, policy)).toBe(received);
    expect(received).toEqual(decideAfresh(input, registry, policy));
  });

  test("an issue that reads differently, or a recorded state, is decided again", () => {
    const received = decide(input, registry, policy);
    expect(decide({ ...input, body: `${input.body}!` }, registry, policy)).not.toBe(received);
    const previous = {
      v: 1 as const,
      applied: [],
      suppressed: [],
      overrides: {},
      commanded: { overrides: { size: "L" as const } },
    };
    expect(decide({ ...input, previous }, registry, policy).size).toBe("L");
  });
});

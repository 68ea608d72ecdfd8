// Whose work an issue is: one instance's, ofn-install's own, or the OFN app's. Precision first:
// where the evidence is weak the bot leaves the issue to a person and says nothing.
import { requestWrites } from "../src/triage/issue-writes.js";
import { renderComment } from "../src/triage/comment-text.js";
import { decide } from "../src/triage/decide.js";
import type { IssueInput } from "../src/triage/types.js";
import { shippedConfig } from "./helpers/config.js";

const { registry, policy } = shippedConfig();
const INSTALL = "openfoodfoundation/ofn-install";
const APP = "openfoodfoundation/openfoodnetwork";

function triage(title: string, body = "", repo = INSTALL) {
  const input: IssueInput = { repo, title, body, labels: [] };
  return decide(input, registry, policy);
}

describe("ofn-install's own work", () => {
  test("a role change that names Katuma in passing stays in the installer's backlog", () => {
    const plan = triage(
      "Refactor the nginx role to use templates",
      "Katuma needed this first, but every server gets it through the playbook.",
    );
    expect(plan).toMatchObject({ kind: "install", outcome: "not-pipe", labels: ["ofn-install"] });
  });

  test("a title that names an instance while changing a role is the installer's work", () => {
    expect(triage("Refactor the postgres role for Katuma").kind).toBe("install");
  });

  test("an issue that names no instance and reports nothing broken is ofn-install's, never needs-info", () => {
    const plan = triage("Install datadog agent", "We want metrics from every server.");
    expect(plan).toMatchObject({ kind: "install", outcome: "not-pipe" });
  });

  test("a breakage with no instance named asks which instance", () => {
    const plan = triage("Emails are not being sent", "No order confirmations since yesterday.");
    expect(plan).toMatchObject({ kind: "instance", outcome: "needs-info", missing: ["instance"] });
  });
});

describe("instances named the way people write them", () => {
  test("a numbered inventory name (uk_staging2) names UK", () => {
    expect(triage("[Upgrade Ubuntu] uk_staging2").instances).toEqual(["uk"]);
  });

  test("two codes that are also words, listed together in capitals, name both", () => {
    expect(triage("Bump US and CA to three unicorn workers").instances).toEqual(["ca", "us"]);
  });

  test("a language is not an instance: 'Enable French and English in Katuma' is Katuma's", () => {
    expect(triage("Enable French and English in Katuma").instances).toEqual(["es"]);
    expect(triage("Enable Italian in Katuma").instances).toEqual(["es"]);
  });

  test("French beside a server word still names France", () => {
    expect(triage("French email errors").instances).toEqual(["fr"]);
    expect(triage("Add IT locale for french instances").instances).toEqual(["fr"]);
  });
});

describe("signal words that are also everyday words", () => {
  test("'unicorn workers' is performance work, not an outage", () => {
    const plan = triage("Bump US and CA to three unicorn workers");
    expect(plan.category).toBe("performance");
    expect(plan.severity).not.toBe("S0");
  });

  test("'slows things down' is not production down", () => {
    const plan = triage(
      "Don't use swap in CA production",
      "Too much swap can just slow the server down until it stops answering.",
    );
    expect(plan.severity).not.toBe("S0");
    expect(plan.category).toBe("performance");
  });

  test("an access request for a named server is access, not provisioning", () => {
    expect(triage("Grant Hendirk access to German server").category).toBe("access");
  });

  test("the OFN bug template's kept severity (bug-s2) is the reporter's severity", () => {
    const body =
      "## Description\nThe cert expired.\n\n## Severity\nbug-s2: a non-critical feature is broken";
    expect(triage("SSL issue for https://openfoodfrance.org", body)).toMatchObject({
      instances: ["fr"],
      category: "ssl",
      severity: "S2",
    });
  });
});

describe("the OFN app's own bugs", () => {
  test("a cart error reported from an instance's staging is the app's, not the pipe's", () => {
    const plan = triage(
      "Error 500 trying to create a product on staging FR",
      "As super admin, creating a new product leads to an error 500.",
      APP,
    );
    expect(plan).toMatchObject({ kind: "other", outcome: "not-pipe", labels: [] });
  });

  test("a slow production server reported in the app's repository is still instance work", () => {
    const plan = triage("FR prod is slow / unreachable", "The server is timing out.", APP);
    expect(plan).toMatchObject({ kind: "instance", instances: ["fr"], outcome: "accepted" });
  });
});

describe("a person writing about a server the body names", () => {
  test("a request in the body ('could you…') for a named instance is that instance's", () => {
    const plan = triage(
      "Certificate renewal",
      "Could you renew the certificate of Katuma before the end of the month?",
    );
    expect(plan).toMatchObject({ kind: "instance", instances: ["es"], category: "ssl" });
  });

  test("a title that reports trouble with the instance named in the body is that instance's", () => {
    const plan = triage("Emails land in spam", "Producers of Katuma get our order emails as spam.");
    expect(plan).toMatchObject({ kind: "instance", instances: ["es"], category: "email" });
  });

  test("the same words in an ofn-install change that speaks of its roles stay ofn-install's", () => {
    const plan = triage(
      "Emails land in spam",
      "The postfix role sends from the wrong host; Katuma noticed it first.",
    );
    expect(plan.kind).toBe("install");
  });
});

describe("configuration of something specific is that thing's work", () => {
  test("'Add zapier configs to ca-prod' is integration, not the generic configuration", () => {
    expect(triage("Add zapier configs to ca-prod", "Zapier configs and secrets.").category).toBe(
      "integration",
    );
  });

  test("configuration alone stays configuration: 'Enable feature toggles for the FR instance'", () => {
    expect(triage("Enable feature toggles for the FR instance").category).toBe("config");
  });
});

describe("when the bot is not sure", () => {
  const unsure = () =>
    triage("Remove db access for the old metabase server", "Also clean up au_prod.");

  test("an instance named only in the body of an ofn-install change is left to a person", () => {
    const plan = unsure();
    expect(plan.outcome).toBe("undecided");
    expect(plan.labels).toEqual(["needs-triage"]);
    expect(plan.reasons[0]).toMatch(/a maintainer will triage it by hand/);
  });

  test("it says nothing: needs-triage is added and no comment is written", () => {
    const writes = requestWrites(unsure(), { labels: [] }, "unused", policy);
    expect(writes).toEqual({
      addLabels: ["needs-triage"],
      removeLabels: [],
      comment: { action: "none", body: "unused" },
    });
  });

  test("where the bot had already commented, its comment becomes a short note", () => {
    const state = { v: 1 as const, applied: [], suppressed: [], overrides: {} };
    const body = renderComment(unsure(), state, registry);
    expect(body).toContain("Left to a person");
    expect(body).toContain("a maintainer will triage it by hand");
    expect(body).not.toContain("| Instance |");
    expect(body).not.toContain("Accepted");
  });
});

// Requests written in the instances' languages: read without accents or case, with each
// language's words kept as data in config/signals.yml.
import { loadPolicyFiles, type Policy } from "../src/registry/policy.js";
import { decide } from "../src/triage/decide.js";
import { renderComment } from "../src/triage/comment-text.js";
import { nextState } from "../src/triage/state.js";
import { asksForWork } from "../src/triage/severity.js";
import { fold } from "../src/triage/text.js";
import type { IssueInput } from "../src/triage/types.js";
import { shippedConfig, SIGNALS_TEXT, TIERS_TEXT, WIRING_TEXT } from "./helpers/config.js";

const config = shippedConfig();
const INSTALL = "openfoodfoundation/ofn-install";
const request = (title: string, body = "", repo = INSTALL): IssueInput => ({
  repo,
  title,
  body,
  labels: [],
});
const triage = (input: IssueInput, policy: Policy = config.policy) =>
  decide(input, config.registry, policy);

describe("the four requests a new user would write", () => {
  test("a French outage named by its host is fr's S0 outage", () => {
    const plan = triage(
      request("Le site coopcircuits.fr est en panne", "erreur 502 pour tous les producteurs"),
    );
    expect(plan).toMatchObject({ instances: ["fr"], category: "outage", severity: "S0" });
  });

  test("a Spanish expired certificate on Katuma is es's S1 ssl request", () => {
    const plan = triage(request("Katuma: el certificado SSL ha caducado"));
    expect(plan).toMatchObject({ instances: ["es"], category: "ssl", severity: "S1" });
  });

  test("a slow German server is de's performance problem, not a question for the reporter", () => {
    const plan = triage(
      request("Server von openfoodnetwork.de ist sehr langsam", "Bestellungen brechen ab"),
    );
    expect(plan).toMatchObject({ instances: ["de"], category: "performance", severity: "S1" });
    expect(plan.missing).toEqual([]);
  });

  test("an Italian certificate that expires in ten days is ssl, and not yet broken", () => {
    const plan = triage(
      request("Rinnovo certificato per openfoodnetwork.it", "Il certificato scade tra 10 giorni"),
    );
    expect(plan).toMatchObject({ instances: ["it"], category: "ssl", severity: "S2" });
  });
});

describe("how text is read", () => {
  test("accents and case do not matter, as people type on a phone", () => {
    const typed = triage(request("Certificat SSL expire sur coopcircuits.fr"));
    const written = triage(request("CERTIFICAT SSL EXPIRÉ SUR COOPCIRCUITS.FR"));
    expect(typed).toMatchObject({ category: "ssl", severity: "S1" });
    expect(written).toMatchObject({ category: "ssl", severity: "S1" });
  });

  test("Greek is folded too: tonos and the final sigma", () => {
    expect(fold("Λήγει το ΠΙΣΤΟΠΟΙΗΤΙΚΌ")).toBe("ληγει το πιστοποιητικο");
    expect(fold("διακομιστής")).toBe("διακομιστησ");
    const plan = triage(request("Το site είναι εκτός λειτουργίας", "Το www.openfoodnetwork.gr"));
    expect(plan).toMatchObject({ instances: ["gr"], category: "outage", severity: "S0" });
  });

  test("Greek asks with ';', English lists with it", () => {
    const asks = (body: string) => asksForWork("Certificate", body, config.policy);
    expect(asks("Μπορεί να στηθεί το n8n στον ίδιο server;")).toBe(true);
    expect(asks("The role renews it; nothing else changes.")).toBe(false);
    expect(asks("Is the renewal automatic? Tell us.")).toBe(true);
  });

  test("a plural takes its language's endings: 'Update UK Staging configs' is config", () => {
    const plan = triage(request("Update UK Staging configs"));
    expect(plan).toMatchObject({ instances: ["uk"], category: "config" });
  });

  test("an instance named in its own language's form is found ('in Finland', 'Hungarian')", () => {
    expect(triage(request("Palvelin alhaalla", "Suomessa kauppa ei aukea")).instances).toEqual([
      "fi",
    ]);
    expect(triage(request("SSH hozzáférés", "a magyar szerverhez")).instances).toEqual(["hu"]);
  });

  test("instances listed with another language's 'and' are all found: 'UK und IT'", () => {
    expect(triage(request("Zertifikate für UK und IT erneuern")).instances).toEqual(["uk", "it"]);
    expect(triage(request("Certificats de UK et IT")).instances).toEqual(["uk", "it"]);
  });

  test("an acronym written in capitals matches only in capitals: Italian 'ci' is not CI", () => {
    const italian = triage(
      request(
        "Staging giù",
        "stg.openfoodnetwork.it non risponde. Ci serve per testare la release.",
        "openfoodfoundation/openfoodnetwork",
      ),
    );
    expect(italian).toMatchObject({ kind: "instance", instances: ["it"], category: "outage" });
    const ci = triage(request("Run CI with the new playbook syntax"));
    expect(ci.kind).toBe("install");
  });

  test("a request in the body's own words is the named instance's, not ofn-install's", () => {
    const plan = triage(
      request(
        "Certificato in scadenza",
        "Il certificato di Open Food Network Italia scade tra 12 giorni. Dobbiamo fare qualcosa?",
      ),
    );
    expect(plan).toMatchObject({ kind: "instance", instances: ["it"], category: "ssl" });
  });
});

describe("words of one language do not misread another's", () => {
  test("a German particle takes no plural: 'läuft aber sehr langsam' does not expire", () => {
    const plan = triage(request("Der Server von openfoodnetwork.de läuft aber sehr langsam"));
    expect(plan).toMatchObject({ category: "performance" });
    expect(plan.severity).not.toBe("S3");
    expect(triage(request("SSL cert for openfoodnetwork.org.uk expires in 19 days")).severity).toBe(
      "S2",
    );
  });

  test("under a title that names a change, a question in the body is not a request", () => {
    const plan = triage(
      request(
        "Upgrade Postgres to 14",
        "Done on Katuma already. Should we do the others next week?",
      ),
    );
    expect(plan.kind).not.toBe("instance");
  });

  test("a long line of Greek or Cyrillic letters after a short code is read in linear time", () => {
    // Before the fix, a pattern that backtracked took minutes on 180 such letters: the test's
    // time-out (5 s) is what fails then.
    for (const letters of ["я", "λ"]) {
      const body = ("gr " + letters.repeat(80) + "\n").repeat(50);
      expect(triage(request("IT " + letters.repeat(20_000), body)).instances).toEqual([]);
    }
  });
});

describe("the bot's comment", () => {
  test("stays in English and never quotes a French word as if it were a category", () => {
    const plan = triage(
      request(
        "Les mails de CoopCircuits ne partent plus",
        "Pourriez-vous regarder la messagerie ? Les courriels restent bloqués.",
      ),
    );
    expect(plan).toMatchObject({ instances: ["fr"], category: "email" });
    const comment = renderComment(plan, nextState(plan, { labels: [] }, {}), config.registry);
    expect(comment).toContain("email");
    for (const french of ["messagerie", "courriel", "bloqué", "ne partent plus"]) {
      expect(comment.toLowerCase()).not.toContain(french);
    }
    expect(plan.labels.filter((l) => l.startsWith("category:"))).toEqual(["category:email"]);
  });
});

describe("a translator adds a language in signals.yml, with no code", () => {
  const swedish = [
    "  sv:",
    "    name: Swedish",
    "    names: [svenska]",
    "    plural_endings: [er, ar, or]",
    "    categories:",
    "      outage:",
    "        strong: [nere, går inte att nå]",
    "      ssl:",
    "        strong: [certifikat]",
    "    severity:",
    "      s0_signals: [nere]",
  ].join("\n");
  const policyWith = (signals: string) => {
    const loaded = loadPolicyFiles([
      { path: "config/tiers.yml", text: TIERS_TEXT },
      { path: "config/signals.yml", text: signals },
      { path: "config/policy.yml", text: WIRING_TEXT },
    ]);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    return loaded.value;
  };
  const issue = request("Sajten openfoodnetwork.org.uk är nere", "Kunder kan inte beställa.");

  test("before the block the request needs a category; after it, it is an S0 outage", () => {
    expect(triage(issue).category).toBeNull();
    const plan = triage(issue, policyWith(`${SIGNALS_TEXT}\n${swedish}\n`));
    expect(plan).toMatchObject({ instances: ["uk"], category: "outage", severity: "S0" });
  });

  test("its plural endings apply to its own words: 'certifikater' is a certificate", () => {
    const plan = triage(
      request("Certifikater för openfoodnetwork.org.uk"),
      policyWith(`${SIGNALS_TEXT}\n${swedish}\n`),
    );
    expect(plan.category).toBe("ssl");
  });

  test("a language key that is not a language code is refused with its line", () => {
    const loaded = loadPolicyFiles([
      { path: "config/tiers.yml", text: TIERS_TEXT },
      {
        path: "config/signals.yml",
        text: `${SIGNALS_TEXT}\n  Français:\n    name: French again\n`,
      },
      { path: "config/policy.yml", text: WIRING_TEXT },
    ]);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems[0]).toMatchObject({ file: "config/signals.yml" });
    expect(loaded.problems[0]!.message).toMatch(/languages › Français/);
    expect(loaded.problems[0]!.line).toBeGreaterThan(1000);
  });
});

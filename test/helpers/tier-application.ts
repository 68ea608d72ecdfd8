// A tier application as GitHub writes it from the "Tier application" form: each question's label
// as a heading, then the answer (or "_No response_").
import { parse } from "yaml";
import { generateApplicationForm } from "../../src/form/generate.js";
import type { Policy } from "../../src/registry/policy.js";
import type { Registry } from "../../src/registry/schema.js";

interface FormField {
  type: string;
  id?: string;
  attributes: { label?: string; options?: string[] };
}

export interface ApplicationForm {
  labels: string[];
  body: FormField[];
}

export function applicationForm(registry: Registry, policy: Policy): ApplicationForm {
  return parse(generateApplicationForm(registry, policy)) as ApplicationForm;
}

/** The option of a dropdown that starts with `start` (e.g. "de", "full", "A new instance"). */
export function option(form: ApplicationForm, id: string, start: string): string {
  const field = form.body.find((f) => f.id === id);
  const found = field?.attributes.options?.find((o) => o.startsWith(start));
  if (!found) throw new Error(`no option ${start} in ${id}`);
  return found;
}

/** The issue body GitHub makes from these answers, by question id. */
export function applicationBody(form: ApplicationForm, answers: Record<string, string>): string {
  return form.body
    .filter((f) => f.type !== "markdown")
    .map((f) => `### ${f.attributes.label}\n\n${answers[f.id ?? ""] || "_No response_"}`)
    .join("\n\n");
}

/** Complete evidence for the full tier (and so for basic). */
export const FULL_EVIDENCE = {
  pledge: "Signed by our board: https://ofn.example.org/de/pledge.pdf",
  team: "Four volunteers and two staff; we are part of the German food-hub network.",
  canvas: "https://ofn.example.org/de/canvas",
  commons: "We will fund two weeks of sysadmin work a year and review pull requests.",
  users: "120 active hubs, 3,000 shoppers a month",
  turnover: "€1.2M through the platform in 2025",
  fundraising: "A regional grant, https://ofn.example.org/de/grant",
  contributions: "Translations and the German payment gateway.",
};

/** Complete evidence for the basic tier only. */
export const BASIC_EVIDENCE = {
  pledge: FULL_EVIDENCE.pledge,
  team: FULL_EVIDENCE.team,
  canvas: FULL_EVIDENCE.canvas,
  commons: FULL_EVIDENCE.commons,
};

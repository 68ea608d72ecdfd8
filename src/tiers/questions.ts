// The questions of the "Tier application" issue form, shared by the form generator and the
// reader of an application, so the two cannot drift. The evidence questions come from
// config/tiers.yml (`applications:`); the others are fixed here. Pure.
import type { Applications, Policy } from "../registry/policy.js";

export const ASKED_TIERS = ["basic", "full"] as const;
export type AskedTier = (typeof ASKED_TIERS)[number];

/** The form's fixed questions, by id: their labels are what GitHub writes back as headings. */
export const APPLICATION_LABELS = {
  instance: "Instance",
  code: "New instance: code",
  name: "New instance: name",
  hosts: "New instance: hosts",
  aliases: "New instance: aliases",
  tier: "Tier asked",
} as const;

/** The instance dropdown's last option: an instance the registry does not have yet. */
export const NEW_INSTANCE = "A new instance";
export const NEW_INSTANCE_OPTION = `${NEW_INSTANCE} (give its code, name and hosts below)`;

/** What a tier covers, in a few words from config/tiers.yml: for the form and the bot's comment. */
export function tierMeaning(policy: Policy, tier: AskedTier): string {
  const { covers, s0_response } = policy.tiers[tier];
  const work = covers.length > 4 ? `${covers.length} kinds of sysadmin work` : covers.join(" and ");
  return `${work || "no sysadmin work"}${s0_response ? ", emergencies (S0) answered" : ""}`;
}

/** One evidence question of the form: asked once, whichever tiers ask it. */
export interface EvidenceQuestion {
  key: string;
  label: string;
  link: boolean;
  /** The tiers that list it. */
  askedBy: AskedTier[];
  /** The tiers whose application is incomplete without it. */
  requiredBy: AskedTier[];
}

/** Every evidence question, in the order the tiers list them (basic's first). */
export function evidenceQuestions(applications: Applications): EvidenceQuestion[] {
  const questions = new Map<string, EvidenceQuestion>();
  for (const tier of ASKED_TIERS) {
    for (const field of applications[tier]) {
      const question = questions.get(field.key) ?? {
        key: field.key,
        label: field.label,
        link: field.link,
        askedBy: [],
        requiredBy: [],
      };
      question.askedBy.push(tier);
      if (field.required) question.requiredBy.push(tier);
      questions.set(field.key, question);
    }
  }
  return [...questions.values()];
}

/** "basic and full", "full", "full (optional)": which tiers ask a question, for its label. */
export function askedByWords(question: EvidenceQuestion): string {
  const tiers = question.askedBy.join(" and ");
  return question.requiredBy.length ? tiers : `${tiers}, optional`;
}

/** The question's label on the form: "Users (full)". Read back by its start. */
export function evidenceLabel(question: EvidenceQuestion): string {
  return `${question.label} (${askedByWords(question)})`;
}

/** Whether a heading GitHub wrote is this label's ("Users" or "Users (full)"). */
export function headingIs(heading: string, label: string): boolean {
  const h = heading.trim().toLowerCase();
  const l = label.toLowerCase();
  return h === l || h.startsWith(`${l} (`);
}

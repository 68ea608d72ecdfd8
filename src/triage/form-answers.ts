// Reading the sysadmin request form (.github/ISSUE_TEMPLATE/sysadmin-request.yml) back out of
// an issue body. GitHub renders each form field as "### <label>" followed by the answer.

/** Field labels shared by the form generator and this parser, so the two cannot drift. */
export const FORM_LABELS = {
  instance: "Instance",
  category: "Category",
  severity: "Severity",
  size: "Size",
  details: "What is happening?",
} as const;

export type FormField = keyof typeof FORM_LABELS;
export type FormAnswers = Partial<Record<FormField, string>>;

const NO_RESPONSE = /^_?no response_?$/i;

/** Each "### heading" of a form-made body with its answer ("" for GitHub's "_No response_"). */
export function formSections(body: string): { heading: string; value: string }[] {
  return body
    .replace(/\r\n?/g, "\n")
    .split(/^###[ \t]+/m)
    .slice(1)
    .map((section) => {
      const newline = section.indexOf("\n");
      const heading = (newline < 0 ? section : section.slice(0, newline)).trim();
      const value = newline < 0 ? "" : section.slice(newline + 1).trim();
      return { heading, value: NO_RESPONSE.test(value) ? "" : value };
    });
}

/** The answers of a form-made body, or an empty object for a free-text body. */
export function parseForm(body: string): FormAnswers {
  const answers: FormAnswers = {};
  for (const { heading, value } of formSections(body)) {
    const field = fieldFor(heading);
    if (field && value && answers[field] === undefined) answers[field] = value;
  }
  return answers;
}

function fieldFor(heading: string): FormField | undefined {
  const h = heading.toLowerCase();
  for (const [field, label] of Object.entries(FORM_LABELS) as [FormField, string][]) {
    // Accept "Instance", "Instance(s)", "Size (if you know it)"...
    if (
      h === label.toLowerCase() ||
      h.startsWith(label.toLowerCase() + " ") ||
      h.startsWith(label.toLowerCase() + "(")
    ) {
      return field;
    }
  }
  return undefined;
}

/**
 * The leading codes of a dropdown answer. Options are written "uk — Open Food Network UK",
 * several selections are joined with ", ".
 */
export function answerCodes(answer: string): string[] {
  return answer
    .split(/,\s*(?=[\p{L}\p{N}-]+\s+—)|\n|,\s*(?=[\p{L}\p{N}-]+\s*(?:,|$))/u)
    .map((part) => part.trim().split(/\s+—\s+|\s+-\s+|\s+/)[0] ?? "")
    .map((code) => code.trim())
    .filter((code) => code !== "");
}

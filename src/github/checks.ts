// Publish a check run on a commit. GitHub takes at most 50 annotations per request: the rest
// follow in updates of the same run.
import type { GitHub } from "./client-types.js";

/** A problem marked on a line of a file in the pull request's "Files changed". */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column: number;
  end_column: number;
  annotation_level: "failure";
  title: string;
  message: string;
}

/** A completed check run: its name, verdict and text. */
export interface CheckRun {
  name: string;
  conclusion: "success" | "failure";
  title: string;
  summary: string;
  annotations: Annotation[];
}

const BATCH = 50;
const MAX_TEXT = 65_000; // GitHub's limit on summary length is 65,535 characters

export async function publishCheck(
  github: GitHub,
  where: { owner: string; repo: string },
  headSha: string,
  report: CheckRun,
): Promise<number> {
  const output = (annotations: CheckRun["annotations"]) => ({
    title: report.title,
    summary: report.summary.slice(0, MAX_TEXT),
    annotations,
  });
  const { data } = await github.rest.checks.create({
    ...where,
    name: report.name,
    head_sha: headSha,
    status: "completed",
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    output: output(report.annotations.slice(0, BATCH)),
  });
  for (let i = BATCH; i < report.annotations.length; i += BATCH) {
    await github.rest.checks.update({
      ...where,
      check_run_id: data.id,
      output: output(report.annotations.slice(i, i + BATCH)),
    });
  }
  return data.id;
}

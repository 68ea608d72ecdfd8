// Publish a check run on a commit. GitHub takes at most 50 annotations per request: the rest
// follow in updates of the same run.
import type { CheckReport } from "../registry/check.js";
import { CHECK_NAME } from "../registry/check.js";
import type { GitHub } from "./client-types.js";

const BATCH = 50;
const MAX_TEXT = 65_000; // GitHub's limit on summary length is 65,535 characters

export async function publishCheck(
  github: GitHub,
  where: { owner: string; repo: string },
  headSha: string,
  report: CheckReport,
): Promise<number> {
  const output = (annotations: CheckReport["annotations"]) => ({
    title: report.title,
    summary: report.summary.slice(0, MAX_TEXT),
    annotations,
  });
  const { data } = await github.rest.checks.create({
    ...where,
    name: CHECK_NAME,
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

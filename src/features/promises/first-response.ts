// A first response in its turn (the issue's lease held): if the issue's promise is still running
// and the person counts (not the requester, not a bot, after the clock started), the clock stops
// and the request is decided and made to match again: the bot comment says who answered and
// whether in time, and the card's Respond by is emptied.
import { readIssue } from "../../github/issue-api.js";
import { countFirstResponse } from "../../metrics/metrics.js";
import { promiseOutcome, respond } from "../../triage/response-clock.js";
import { decodeState } from "../../triage/state.js";
import { handleIssue } from "../../usecase/issue-turn.js";
import { botCommentOf, labelNames, type IssueJob } from "../../usecase/issue-job.js";
import type { ResponseTask } from "../tasks.js";

/** What it did, in words; undefined when there was nothing to stop. */
export async function recordFirstResponse(
  job: IssueJob,
  answer: Pick<ResponseTask, "by" | "at" | "via">,
): Promise<string | undefined> {
  const comment = await botCommentOf(job);
  const previous = comment ? decodeState(comment.body) : undefined;
  const clock = previous?.response;
  if (!previous || !clock || clock.respondedAt) return undefined;
  const issue = await readIssue(job.github, job.ref);
  const at = new Date(Date.parse(answer.at) || job.clock.now());
  const answered = respond(clock, answer.by, at, issue.user?.login, job.appLogin);
  if (answered === clock) return undefined;
  const labels = labelNames(issue);
  await handleIssue(job, issue, { labels, comment, previous: { ...previous, response: answered } });
  countFirstResponse(promiseOutcome(answered, at));
  return `first response by ${answer.by} (${answer.via})`;
}

// The reconcile sweep: GitHub never redelivers a failed webhook by itself, so walk the open
// issues of the watched repos and repair what a missed or failed delivery left behind: a
// missing or stale decision, an accepted request not on the board. Safe to run while the app
// is live: issues touched in the last minutes are left to the app, and every write is the same
// compare-before-write the handlers use.
import { wantsComment } from "../triage/comment-text.js";
import type { BoardOutcome } from "../github/board-sync.js";
import { commentsByIssue, pickBotComment } from "../github/bot-comment.js";
import { listIssues } from "../github/issue-api.js";
import { watchedRepos } from "../config.js";
import { withIssueLock } from "../github/locks.js";
import type { LiveConfig } from "../github/live-config.js";
import type { GitHub, Logger } from "../github/client-types.js";
import {
  decideAndApply,
  isWatched,
  labelNames,
  toInput,
  type AppDeps,
  type IssueData,
} from "../usecase/triage-issue.js";
import { boardTarget, sameAsRecorded } from "../triage/card.js";
import { decide } from "../triage/decide.js";
import { isAppLabel } from "../triage/label-names.js";
import { decodeState } from "../triage/state.js";
import type { RecordedState, TriagePlan } from "../triage/types.js";

export interface SweepOptions {
  /** owner/name; default: every watched repository. */
  repos?: string[];
  dryRun: boolean;
  /** Issues updated more recently than this are the live app's business. */
  quietMs?: number;
  installation?: string;
  log: Logger;
  deps?: Pick<AppDeps, "chat">;
}

export interface SweepReport {
  repos: number;
  scanned: number;
  /** Issues whose decision was missing or stale, with why. */
  stale: { issue: string; why: string }[];
  repaired: number;
  skippedRecent: number;
  failed: { issue: string; error: string }[];
}

const BOARD_FAILURE = "Could not add this to the board";

/** Why an issue needs triage again, or undefined when its recorded decision still holds. */
export function staleness(
  plan: TriagePlan,
  labels: readonly string[],
  comment: { body: string } | undefined,
  previous: RecordedState | undefined,
  live: LiveConfig,
  state: "open" | "closed",
): string | undefined {
  const policy = live.config.policy;
  const needsComment = wantsComment(plan);
  if (needsComment && !comment) return "no bot comment";
  if (comment && !previous) return "bot comment without readable state";
  if (previous && previous.outcome !== plan.outcome)
    return `outcome ${previous.outcome} → ${plan.outcome}`;
  const missing = plan.labels.filter((l) => !labels.includes(l));
  if (missing.length) return `labels missing: ${missing.join(", ")}`;
  const extra = labels.filter(
    (l) =>
      isAppLabel(l, policy) && (previous?.applied ?? []).includes(l) && !plan.labels.includes(l),
  );
  if (extra.length) return `labels no longer right: ${extra.join(", ")}`;
  if (comment?.body.includes(BOARD_FAILURE)) return "the last board update failed";
  const board = policy.board;
  if (board?.number) {
    const target = boardTarget(plan, state, live.config.registry, previous?.time);
    if (target.onBoard && (!previous?.board?.column || previous.board.archived))
      return "accepted but not on the board";
    // A column a developer chose stays theirs; the card's fields always follow the issue.
    const recorded = previous?.board;
    if (target.onBoard && !sameAsRecorded({ ...target, column: recorded?.column }, recorded))
      return "the board card's fields differ from the issue";
  }
  return undefined;
}

export async function reconcile(
  github: GitHub,
  live: LiveConfig,
  options: SweepOptions,
): Promise<SweepReport> {
  const repos = (options.repos?.length ? options.repos : watchedRepos(live.config)).filter((r) =>
    isWatched(r, live.config),
  );
  const report: SweepReport = {
    repos: repos.length,
    scanned: 0,
    stale: [],
    repaired: 0,
    skippedRecent: 0,
    failed: [],
  };
  const quietMs = options.quietMs ?? 2 * 60 * 1000;
  for (const full of repos) {
    const [owner, repo] = full.split("/") as [string, string];
    const issues = await listIssues(github, full, { state: "open" });
    const byIssue = await commentsByIssue(github, owner, repo);
    for (const issue of issues) {
      report.scanned++;
      const where = `${full}#${issue.number}`;
      if (Date.now() - Date.parse(issue.updated_at) < quietMs) {
        report.skippedRecent++;
        continue;
      }
      const comment = pickBotComment(byIssue.get(issue.number) ?? []);
      const previous = comment ? decodeState(comment.body) : undefined;
      const labels = labelNames(issue as IssueData);
      const decided = decide(
        toInput(full, issue.number, issue as IssueData, { labels, previous }),
        live.config.registry,
        live.config.policy,
      );
      const why = staleness(decided, labels, comment, previous, live, "open");
      if (!why) continue;
      report.stale.push({ issue: where, why });
      if (options.dryRun) continue;
      try {
        const ref = { owner, repo, issue_number: issue.number };
        await withIssueLock(where.toLowerCase(), async () => {
          // Forget a board record that failed or is missing, so the card is checked for real.
          const repairBoard = why.includes("board");
          const state =
            previous && repairBoard
              ? { ...previous, board: undefined as BoardOutcome["record"] }
              : previous;
          await decideAndApply(
            {
              github,
              ref,
              repo: full,
              installation: options.installation ?? "cli",
              deliveryId: `reconcile-${Date.now()}`,
              config: live.config,
              trusted: live.trusted,
              dryRun: false,
              chat: options.deps?.chat,
              log: options.log,
            },
            issue as IssueData,
            { labels, comment, previous: state },
          );
        });
        report.repaired++;
      } catch (error) {
        report.failed.push({
          issue: where,
          error: String((error as Error).message ?? error).slice(0, 200),
        });
        options.log.warn(
          { issue: where, error: String(error) },
          "reconcile could not repair this issue",
        );
      }
    }
  }
  options.log.info(
    {
      repos: report.repos,
      scanned: report.scanned,
      stale: report.stale.length,
      repaired: report.repaired,
      failed: report.failed.length,
    },
    "reconcile sweep done",
  );
  return report;
}

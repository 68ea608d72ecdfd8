// The app's one comment on an issue, as GitHub has it: reading it (which comments are the app's
// is decided in triage/app-comments.ts), healing an issue left with several, and every comment of
// a repository at once for the sweep and the reports.
import { planHealing, type BotComment, type Healing } from "../triage/app-comments.js";
import type { GitHub, IssueRef } from "./client-types.js";
import type { Logger } from "../logger.js";

/**
 * Heal an issue's bot comments as planned: the oldest is rewritten with the merged state before
 * any other is deleted, so a failure halfway loses nothing (the executor's "heal" step).
 */
export async function applyHealing(
  github: GitHub,
  ref: IssueRef,
  healing: Healing,
  log: Logger,
): Promise<void> {
  const { keep, remove } = healing;
  if (!remove.length) return;
  if (healing.rewrite) {
    await github.rest.issues.updateComment({
      owner: ref.owner,
      repo: ref.repo,
      comment_id: keep.id,
      body: keep.body,
    });
  }
  for (const id of remove) await deleteComment(github, ref, id);
  log.info(
    { issue: `${ref.owner}/${ref.repo}#${ref.issue_number}`, kept: keep.id, deleted: remove },
    "healed duplicate bot comments: kept the oldest with their states merged",
  );
}

async function deleteComment(github: GitHub, ref: IssueRef, id: number): Promise<void> {
  try {
    await github.rest.issues.deleteComment({ owner: ref.owner, repo: ref.repo, comment_id: id });
  } catch (error) {
    // Already gone (another replica healed it meanwhile) is the state we wanted.
    if ((error as { status?: number }).status !== 404) throw error;
  }
}

/** What an issue's comments say of the bot: its one comment (the oldest, as healing keeps it)
 * and, when several slipped through, the healing it needs. */
export interface BotCommentRead {
  comment?: BotComment;
  healing?: Healing;
}

/** The issue's bot comment, read (healing it is the executor's: see applyHealing). */
export async function readBotComment(
  github: GitHub,
  ref: IssueRef,
  appLogin: string,
): Promise<BotCommentRead> {
  const comments = await github.paginate(github.rest.issues.listComments, {
    ...ref,
    per_page: 100,
  });
  const healing = planHealing(comments, appLogin);
  if (!healing) return {};
  return { comment: healing.keep, ...(healing.remove.length ? { healing } : {}) };
}

/**
 * Every comment of a repository (updated since `since`), grouped by issue number: a few pages
 * for the whole repository rather than one request per issue.
 */
export async function commentsByIssue(github: GitHub, owner: string, repo: string, since?: string) {
  const comments = await github.paginate(github.rest.issues.listCommentsForRepo, {
    owner,
    repo,
    ...(since ? { since } : {}),
    per_page: 100,
  });
  const byIssue = new Map<number, typeof comments>();
  for (const c of comments) {
    const n = Number(/\/issues\/(\d+)$/.exec(c.issue_url)?.[1]);
    byIssue.set(n, [...(byIssue.get(n) ?? []), c]);
  }
  return byIssue;
}

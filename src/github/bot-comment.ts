// Finding the app's one comment on an issue (by its hidden marker).
import { COMMENT_MARKER } from "../triage/state.js";
import type { GitHub, IssueRef } from "./client-types.js";

export interface BotComment {
  id: number;
  body: string;
}

interface CommentLike {
  id: number;
  body?: string | null;
  user?: { type?: string } | null;
}

/** The bot's comment: written by a bot account and carrying the marker. A person quoting the
 * marker is not mistaken for the bot. */
export function pickBotComment(comments: readonly CommentLike[]): BotComment | undefined {
  const found = comments.find(
    (c) => c.user?.type === "Bot" && (c.body ?? "").startsWith(COMMENT_MARKER),
  );
  return found ? { id: found.id, body: found.body ?? "" } : undefined;
}

export async function findBotComment(
  github: GitHub,
  ref: IssueRef,
): Promise<BotComment | undefined> {
  const comments = await github.paginate(github.rest.issues.listComments, {
    ...ref,
    per_page: 100,
  });
  return pickBotComment(comments);
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

// Finding the app's one comment on an issue (by its hidden marker, written by the app's own bot
// login), and healing an issue that ended up with several: replicas that raced (a lock lease that
// expired, GitHub's read-after-write lag) can each have created one. The oldest is kept with every
// state merged into it. Other Apps and Actions are bots too, and may post what users typed: only
// the app's own login is trusted, so nobody can hand the app a state or have it delete its own.
import { COMMENT_MARKER, decodeState, mergeStates, replaceState } from "../triage/state.js";
import type { GitHub, IssueRef } from "./client-types.js";
import type { Logger } from "../logger.js";

export interface BotComment {
  id: number;
  body: string;
}

interface CommentLike {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
}

/** Whether a comment is the app's own: written by its bot login (`<slug>[bot]`). */
export function writtenByApp(user: CommentLike["user"], appLogin: string): boolean {
  return user?.type === "Bot" && user.login === appLogin;
}

/** The bot's comments, oldest first (GitHub's comment ids grow with time). Written by the app's
 * login and carrying the marker: a person or another bot quoting the marker is never the app. */
function botComments(comments: readonly CommentLike[], appLogin: string): BotComment[] {
  return comments
    .filter((c) => writtenByApp(c.user, appLogin) && (c.body ?? "").startsWith(COMMENT_MARKER))
    .map((c) => ({ id: c.id, body: c.body ?? "" }))
    .sort((a, b) => a.id - b.id);
}

/** The bot's comment: the oldest one, the one kept when there are several. */
export function pickBotComment(
  comments: readonly CommentLike[],
  appLogin: string,
): BotComment | undefined {
  return botComments(comments, appLogin)[0];
}

/** What healing an issue's bot comments takes. Pure, so a dry run can show it. */
export interface Healing {
  /** The oldest bot comment, with the body it must have: every state merged. */
  keep: BotComment;
  /** Whether that body differs from the comment's body on GitHub. */
  rewrite: boolean;
  /** The newer bot comments, to delete. */
  remove: number[];
}

export function planHealing(
  comments: readonly CommentLike[],
  appLogin: string,
): Healing | undefined {
  const ours = botComments(comments, appLogin);
  const oldest = ours[0];
  if (!oldest) return undefined;
  const body = ours.length > 1 ? mergedBody(ours) : oldest.body;
  return {
    keep: { id: oldest.id, body },
    rewrite: body !== oldest.body,
    remove: ours.slice(1).map((c) => c.id),
  };
}

/**
 * Every readable state merged (see mergeStates), in the newest readable comment's text: that
 * text describes the newest outcome, which the merged state keeps. Unreadable states hold
 * nothing to keep.
 */
function mergedBody(ours: readonly BotComment[]): string {
  const readable = ours.flatMap((c) => {
    const state = decodeState(c.body);
    return state ? [{ body: c.body, state }] : [];
  });
  const newest = readable.at(-1);
  if (!newest) return ours[0]!.body;
  return replaceState(newest.body, mergeStates(readable.map((r) => r.state)));
}

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

// Which of an issue's comments is the app's one comment: carrying the app's hidden marker and
// written by the app's own bot login (other Apps and Actions are bots too, and may post what
// users typed). Several can slip through (replicas that raced, GitHub's read-after-write lag):
// the oldest is kept with every state merged into it, the others go. Pure.
import { COMMENT_MARKER, decodeState, mergeStates, replaceState } from "./state.js";

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

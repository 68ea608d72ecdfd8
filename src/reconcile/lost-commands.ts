// Command comments whose delivery was lost (a stop without Redis, a delivery GitHub never
// retried): the sweep finds them on the issue and runs them in their turn. Pure.
import { parseCommands, writtenByBot } from "../commands/parse.js";
import type { RecordedState } from "../triage/types.js";
import type { CommandComment } from "../usecase/command-comment.js";

/** A comment as GitHub lists it: its reactions' counts tell whether anyone answered it. */
export interface ListedComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
  reactions?: { total_count?: number } | null;
}

/**
 * A person's command comments the app never answered, oldest first: written after the bot
 * comment (GitHub's comment ids grow with time, so older comments are history the app may never
 * have seen), not recorded as handled, and without any reaction (the app reacts to every command
 * comment before it writes anything else). No bot comment, nothing: a command the app never
 * answered there is found with the issue's own triage.
 */
export function unansweredCommands(
  comments: readonly ListedComment[],
  botCommentId: number | undefined,
  previous: RecordedState | undefined,
): CommandComment[] {
  if (botCommentId === undefined) return [];
  const seen = new Set(previous?.seen ?? []);
  return comments
    .filter(
      (c) =>
        c.id > botCommentId &&
        !seen.has(c.id) &&
        !writtenByBot(c.user) &&
        c.reactions?.total_count === 0 &&
        hasCommands(c.body ?? ""),
    )
    .sort((a, b) => a.id - b.id)
    .map((c) => ({ id: c.id, body: c.body ?? "", login: c.user?.login ?? "" }));
}

function hasCommands(body: string): boolean {
  const parsed = parseCommands(body);
  return parsed.commands.length > 0 || parsed.problems.length > 0;
}

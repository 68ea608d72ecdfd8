// Command comments whose delivery was lost (a stop without Redis, a delivery GitHub never
// retried): the sweep finds them on the issue and runs them in their turn. Pure.
import { parseCommands, writtenByBot } from "../../commands/parse.js";
import type { RecordedState } from "../../triage/types.js";
import type { CommandComment } from "../../usecase/command-comment.js";

/** A comment as GitHub lists it: its reactions' counts tell whether anyone answered it. */
export interface ListedComment {
  id: number;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
  reactions?: { total_count?: number } | null;
  created_at?: string;
  updated_at?: string;
}

/** A lost delivery is found by the next sweep: anything older is history, not replayed. */
export const LOST_COMMAND_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A person's command comments the app never answered, oldest first. Only those written after
 * the bot comment and after the last command comment the app answered (GitHub's comment ids grow
 * with time): a command retyped and answered since, or a newer command, wins over a lost one.
 * Unanswered means not recorded as handled and without any reaction (the app reacts to every
 * command comment before it writes anything else). Written in the last day and never edited: the
 * app answers new comments only, as they were written. No bot comment, nothing: a command there
 * is found with the issue's own triage.
 */
export function unansweredCommands(
  comments: readonly ListedComment[],
  botCommentId: number | undefined,
  previous: RecordedState | undefined,
  now: number,
): CommandComment[] {
  if (botCommentId === undefined) return [];
  const seen = new Set(previous?.seen ?? []);
  const commands = comments.filter((c) => !writtenByBot(c.user) && hasCommands(c.body ?? ""));
  const answered = (c: ListedComment) => seen.has(c.id) || (c.reactions?.total_count ?? 0) > 0;
  const lastAnswered = Math.max(botCommentId, ...commands.filter(answered).map((c) => c.id));
  return commands
    .filter(
      (c) =>
        c.id > lastAnswered &&
        c.reactions?.total_count === 0 &&
        c.created_at !== undefined &&
        c.updated_at === c.created_at &&
        now - Date.parse(c.created_at) < LOST_COMMAND_MAX_AGE_MS,
    )
    .sort((a, b) => a.id - b.id)
    .map((c) => ({
      id: c.id,
      body: c.body ?? "",
      login: c.user?.login ?? "",
      writtenAt: c.created_at,
    }));
}

function hasCommands(body: string): boolean {
  const parsed = parseCommands(body);
  return parsed.commands.length > 0 || parsed.problems.length > 0;
}

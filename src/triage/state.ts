// The hidden state in the bot comment: what the app applied, so any replica decides alike.
import { z } from "zod";
import { CATEGORIES, OUTCOMES, SEVERITIES, SIZES } from "./vocabulary.js";
import type { RecordedState } from "./types.js";

/** Marks the app's one comment per issue. */
export const COMMENT_MARKER = "<!-- sysadmin-pipe -->";
const STATE_PREFIX = "<!-- sysadmin-pipe:state ";
const STATE_SUFFIX = " -->";

const StateSchema = z.object({
  v: z.literal(1),
  applied: z.array(z.string().max(100)).max(100),
  suppressed: z.array(z.string().max(100)).max(100).default([]),
  overrides: z
    .object({
      instances: z.array(z.string().max(40)).max(50).optional(),
      category: z.enum(CATEGORIES).optional(),
      severity: z.enum(SEVERITIES).optional(),
      size: z.enum(SIZES).optional(),
    })
    .default({}),
  outcome: z.enum(OUTCOMES).optional(),
  deliveries: z.array(z.string().max(100)).max(20).optional(),
  board: z
    .object({
      column: z
        .enum(["inbox", "emergency", "ready", "in_progress", "jobs_board", "done"])
        .optional(),
      archived: z.boolean().optional(),
    })
    .optional(),
});

export function encodeState(state: RecordedState): string {
  // "--" cannot appear inside an HTML comment; inside JSON strings it can be escaped.
  const json = JSON.stringify(state).replace(/--/g, "-\\u002d");
  return `${STATE_PREFIX}${json}${STATE_SUFFIX}`;
}

/** The state in a comment body, or undefined when absent or not trustworthy. */
export function decodeState(body: string): RecordedState | undefined {
  const start = body.lastIndexOf(STATE_PREFIX);
  if (start < 0) return undefined;
  const end = body.indexOf(STATE_SUFFIX, start + STATE_PREFIX.length);
  if (end < 0) return undefined;
  try {
    const parsed = StateSchema.safeParse(JSON.parse(body.slice(start + STATE_PREFIX.length, end)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

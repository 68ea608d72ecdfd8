// The hidden state in the bot comment: what the app applied, so any replica decides alike.
import { z } from "zod";
import { CATEGORIES, OUTCOMES, SEVERITIES, SIZES } from "./vocabulary.js";
import type { RecordedState } from "./types.js";

/** Marks the app's one comment per issue. */
export const COMMENT_MARKER = "<!-- sysadmin-pipe -->";
const STATE_PREFIX = "<!-- sysadmin-pipe:state ";
const STATE_SUFFIX = " -->";

const OverridesSchema = z.object({
  instances: z.array(z.string().max(40)).max(50).optional(),
  category: z.enum(CATEGORIES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  size: z.enum(SIZES).optional(),
});

const login = z.string().max(100);
const minutes = z.number().int().min(0).max(10_000_000);

const StateSchema = z.object({
  v: z.literal(1),
  applied: z.array(z.string().max(100)).max(100),
  suppressed: z.array(z.string().max(100)).max(100).default([]),
  overrides: OverridesSchema.default({}),
  outcome: z.enum(OUTCOMES).optional(),
  deliveries: z.array(z.string().max(100)).max(20).optional(),
  board: z
    .object({
      column: z
        .enum(["inbox", "emergency", "ready", "in_progress", "jobs_board", "done"])
        .optional(),
      archived: z.boolean().optional(),
      hours: z.number().min(0).optional(),
      values: z
        .object({
          severity: z.string().max(50),
          size: z.string().max(50),
          tier: z.string().max(50),
          instance: z.string().max(50),
        })
        .partial()
        .optional(),
    })
    .optional(),
  commanded: z
    .object({
      overrides: OverridesSchema.default({}),
      decision: z
        .object({
          outcome: z.enum(["accepted", "rejected"]),
          by: login,
          reason: z.string().max(500).optional(),
        })
        .optional(),
      jobBoard: z.object({ by: login }).optional(),
    })
    .optional(),
  time: z.object({ pipe: minutes, jobs: minutes }).optional(),
  seen: z.array(z.number().int()).max(50).optional(),
  alerted: z.object({ s0: z.boolean().optional(), jobs: z.boolean().optional() }).optional(),
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

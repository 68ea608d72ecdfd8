// The deployer's settings: environment variables, read once at start-up and checked, so a typo
// ("RECONCILE_EVERY_MINUTES=abc") stops the app with a clear line instead of silently doing less.
import { z } from "zod";

const flag = z
  .string()
  .regex(/^(1|true|yes|on|0|false|no|off)?$/i, "must be true or false")
  .transform((v) => /^(1|true|yes|on)$/i.test(v));

const minutes = z
  .string()
  .regex(/^\d*$/, "must be a whole number of minutes (0 or empty: off)")
  .transform((v) => Number(v || 0));

const seconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "must be a number of seconds")
  .transform(Number);

const SettingsSchema = z.object({
  REGISTRY_FILE: z.string().optional(),
  POLICY_FILE: z.string().optional(),
  DRY_RUN: flag.default(false),
  RECONCILE_EVERY_MINUTES: minutes.default(0),
  CHAT_WEBHOOK_URL: z.url("must be an http(s) URL").optional(),
  /** How long a stopping app waits for deliveries in flight before it exits anyway. */
  SHUTDOWN_TIMEOUT_SECONDS: seconds.default(8),
});

export type Settings = z.output<typeof SettingsSchema>;

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

/** Read the settings; an empty variable counts as unset. Every bad one is reported, by name. */
export function readSettings(env: NodeJS.ProcessEnv): SettingsResult {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const result = SettingsSchema.safeParse(present);
  if (result.success) return { ok: true, settings: result.data };
  return {
    ok: false,
    problems: result.error.issues.map(
      (i) => `${String(i.path[0])}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`,
    ),
  };
}

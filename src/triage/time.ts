// Durations as people write them in `/spent`, and as the bot shows them. Pure.

/** `45m`, `1h30m`, `2h`, `1h 30m`, `1.5h`: minutes, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  const hm = /^(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?$/.exec(t);
  if (!hm || (hm[1] === undefined && hm[2] === undefined)) return undefined;
  const minutes = Number(hm[1] ?? 0) * 60 + Number(hm[2] ?? 0);
  return Number.isFinite(minutes) ? Math.round(minutes) : undefined;
}

export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (!h) return `${m}m`;
  return m ? `${h}h${String(m).padStart(2, "0")}m` : `${h}h`;
}

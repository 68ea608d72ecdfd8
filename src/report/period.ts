// Report periods as people write them: a quarter (2026-Q4), a month (2026-11), or dates. Pure.

export interface Period {
  label: string;
  /** Inclusive start, exclusive end (UTC). */
  start: Date;
  end: Date;
}

const utc = (y: number, m: number, d = 1) => new Date(Date.UTC(y, m, d));

export function parsePeriod(text: string): Period | undefined {
  const q = /^(\d{4})-Q([1-4])$/i.exec(text.trim());
  if (q) {
    const year = Number(q[1]);
    const first = (Number(q[2]) - 1) * 3;
    return { label: `${year}-Q${q[2]}`, start: utc(year, first), end: utc(year, first + 3) };
  }
  const m = /^(\d{4})-(\d{2})$/.exec(text.trim());
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
    const year = Number(m[1]);
    const month = Number(m[2]) - 1;
    return { label: `${m[1]}-${m[2]}`, start: utc(year, month), end: utc(year, month + 1) };
  }
  return undefined;
}

/** --since/--until: dates written like 2026-10-01; until is inclusive of that whole day. */
export function periodBetween(since: string, until: string): Period | undefined {
  const start = new Date(`${since}T00:00:00Z`);
  const last = new Date(`${until}T00:00:00Z`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(last.getTime()) || last < start)
    return undefined;
  const end = new Date(last.getTime() + 24 * 3600 * 1000);
  return { label: `${since} to ${until}`, start, end };
}

export function inPeriod(when: string, period: Period): boolean {
  const t = Date.parse(when);
  return t >= period.start.getTime() && t < period.end.getTime();
}

// Making sure the app's labels exist in a repository, with colours and descriptions.
import { withIssueLock } from "./locks.js";
import { TtlCache } from "./ttl-cache.js";
import type { GitHub, IssueRef, Logger } from "./client-types.js";

/** Label names known to exist, per repository. Labels are rarely deleted; an hour is plenty. */
const known = new TtlCache<Set<string>>(60 * 60 * 1000);

export function forgetKnownLabels(): void {
  known.clear();
}

async function knownLabels(github: GitHub, ref: IssueRef): Promise<Set<string>> {
  const key = `${ref.owner}/${ref.repo}`.toLowerCase();
  const cached = known.get(key);
  if (cached) return cached;
  const labels = await github.paginate(github.rest.issues.listLabelsForRepo, {
    owner: ref.owner,
    repo: ref.repo,
    per_page: 100,
  });
  const names = new Set(labels.map((l) => l.name.toLowerCase()));
  known.set(key, names);
  return names;
}

/**
 * Create the labels the repository lacks. Creating one that appeared meanwhile is fine. One
 * repository's labels are ensured one delivery at a time: a burst of new issues then reads the
 * label list once and creates each label once, instead of every delivery racing to create all.
 */
export async function ensureLabels(
  github: GitHub,
  ref: IssueRef,
  names: readonly string[],
  style: (name: string) => { color: string; description: string },
  log: Logger,
): Promise<void> {
  const key = `labels:${ref.owner}/${ref.repo}`.toLowerCase();
  await withIssueLock(key, () => createMissing(github, ref, names, style, log));
}

async function createMissing(
  github: GitHub,
  ref: IssueRef,
  names: readonly string[],
  style: (name: string) => { color: string; description: string },
  log: Logger,
): Promise<void> {
  const existing = await knownLabels(github, ref);
  for (const name of names) {
    if (existing.has(name.toLowerCase())) continue;
    try {
      await github.rest.issues.createLabel({
        owner: ref.owner,
        repo: ref.repo,
        name,
        ...style(name),
      });
      log.info({ label: name, repo: `${ref.owner}/${ref.repo}` }, "created label");
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
    }
    existing.add(name.toLowerCase());
  }
}

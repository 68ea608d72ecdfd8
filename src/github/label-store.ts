// Making sure the app's labels exist in a repository, with colours and descriptions, and knowing
// their GraphQL ids (a first filing adds the labels inside the board's add-card mutation).
import { withLabelLock } from "./locks.js";
import { TtlCache } from "./ttl-cache.js";
import type { GitHub, IssueRef } from "./client-types.js";
import type { Logger } from "../logger.js";

export type LabelStyle = (name: string) => { color: string; description: string };

/** Labels to add to an issue, and how to create those the repository lacks. */
export interface LabelsToAdd {
  names: readonly string[];
  style: LabelStyle;
}

/**
 * Labels known to exist, per repository: lower-case name -> GraphQL id (undefined when GitHub
 * did not say it). Labels are rarely deleted; an hour is plenty, and a stale id is forgotten.
 */
const known = new TtlCache<Map<string, string | undefined>>(60 * 60 * 1000);

const repoKey = (ref: IssueRef) => `${ref.owner}/${ref.repo}`.toLowerCase();

export function forgetKnownLabels(): void {
  known.clear();
}

/** GitHub refused an id we had cached (the label was deleted): read the list again next time. */
export function forgetLabelIds(ref: IssueRef): void {
  known.delete(repoKey(ref));
}

async function knownLabels(
  github: GitHub,
  ref: IssueRef,
): Promise<Map<string, string | undefined>> {
  const key = repoKey(ref);
  const cached = known.get(key);
  if (cached) return cached;
  const labels = await github.paginate(github.rest.issues.listLabelsForRepo, {
    owner: ref.owner,
    repo: ref.repo,
    per_page: 100,
  });
  const ids = new Map(labels.map((l) => [l.name.toLowerCase(), l.node_id as string | undefined]));
  known.set(key, ids);
  return ids;
}

/**
 * Create the labels the repository lacks. Creating one that appeared meanwhile is fine. One
 * repository's labels are ensured one delivery at a time: a burst of new issues then reads the
 * label list once and creates each label once, instead of every delivery racing to create all.
 * Returns the GraphQL ids known for these labels, by name; a label whose id is unknown is left
 * out (it is added by REST).
 */
export async function ensureLabels(
  github: GitHub,
  ref: IssueRef,
  names: readonly string[],
  style: LabelStyle,
  log: Logger,
): Promise<Map<string, string>> {
  const key = `labels:${ref.owner}/${ref.repo}`.toLowerCase();
  return withLabelLock(key, () => createMissing(github, ref, names, style, log));
}

async function createMissing(
  github: GitHub,
  ref: IssueRef,
  names: readonly string[],
  style: LabelStyle,
  log: Logger,
): Promise<Map<string, string>> {
  const existing = await knownLabels(github, ref);
  const ids = new Map<string, string>();
  for (const name of names) {
    if (!existing.has(name.toLowerCase())) {
      existing.set(name.toLowerCase(), await createLabel(github, ref, name, style, log));
    }
    const id = existing.get(name.toLowerCase());
    if (id) ids.set(name, id);
  }
  return ids;
}

/** The new label's GraphQL id; undefined when it appeared meanwhile (its id is not read). */
async function createLabel(
  github: GitHub,
  ref: IssueRef,
  name: string,
  style: LabelStyle,
  log: Logger,
): Promise<string | undefined> {
  try {
    const created = await github.rest.issues.createLabel({
      owner: ref.owner,
      repo: ref.repo,
      name,
      ...style(name),
    });
    log.info({ label: name, repo: `${ref.owner}/${ref.repo}` }, "created label");
    return (created.data as { node_id?: string } | undefined)?.node_id;
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error;
    return undefined;
  }
}

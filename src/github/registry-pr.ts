// Opening the registry pull request a tier decision asks for: read the registry at the registry
// repository's default branch's current head, change it (a pure edit, given), make one commit of
// it (and the files that follow from it) on that head, point the decision's own branch at it and
// open the pull request. The branch is the decision's: its name carries the decision's key, and
// an existing branch of that name is used only when its head is the commit the app makes for the
// decision (same message, one parent, the same files on it): whoever else made a branch of that
// name, the app never commits to it and takes the next name. A second try after a failure
// halfway finds its own branch and pull request, so one decision never opens two; and its
// branch always starts at the current head, so GitHub's diff (from the merge base) shows only
// the decision's lines.
import type { GitHub } from "./client-types.js";

export interface RegistryPull {
  /** owner/name of the repository that holds the registry. */
  repo: string;
  /** The registry's path in it (config/instances.yml). */
  path: string;
  /** The decision's branch name (see tiers/approval.ts). */
  branch: string;
  title: string;
  body: string;
  /** The commit's message: from the decision alone, so every try writes the same. */
  message: string;
  /** The registry's text, changed; or why it cannot be. */
  edit: (text: string) => { ok: true; text: string } | { ok: false; problem: string };
  /** Files that follow from the changed registry (the issue forms' instance lists). */
  follow?: (registry: string) => { path: string; text: string }[];
  /** The app's own login: only a pull request it opened, into the default branch, is reused. */
  author: string;
}

export type PullResult = { ok: true; number: number; url: string } | { ok: false; problem: string };

/** How many names a decision's branch may take when others already hold the first ones. */
const BRANCH_NAMES = 5;

const status = (error: unknown) => (error as { status?: number }).status;

type Where = { owner: string; repo: string };

/** The file's text at a commit, or undefined when it is not there. */
async function fileAt(github: GitHub, at: Where, path: string, ref: string) {
  try {
    const { data } = await github.rest.repos.getContent({ ...at, path, ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/** The commit a branch points at, or undefined when there is no such branch. */
async function branchHead(github: GitHub, at: Where, branch: string) {
  try {
    return (await github.rest.git.getRef({ ...at, ref: `heads/${branch}` })).data.object.sha;
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

type Built = { ok: true; tree: string } | { ok: false; problem: string };

/** The tree the decision's commit has on `parent`: the parent's files with the change made. */
async function treeOn(
  github: GitHub,
  at: Where,
  pull: RegistryPull,
  parent: string,
): Promise<Built> {
  const text = await fileAt(github, at, pull.path, parent);
  if (text === undefined)
    return { ok: false, problem: `${pull.repo} has no \`${pull.path}\` on its default branch` };
  const edited = pull.edit(text);
  if (!edited.ok) return edited;
  const files = [{ path: pull.path, text: edited.text }, ...(pull.follow?.(edited.text) ?? [])];
  const base = (await github.rest.git.getCommit({ ...at, commit_sha: parent })).data.tree.sha;
  const { data } = await github.rest.git.createTree({
    ...at,
    base_tree: base,
    tree: files.map((f) => ({ path: f.path, mode: "100644", type: "blob", content: f.text })),
  });
  return { ok: true, tree: data.sha };
}

/**
 * What a branch's head is for this decision: the decision's commit on `head` ("current"), the
 * decision's commit on an older head ("older": the same change, to be made again on the current
 * head), or anything else ("other": someone else's work). The decision's commit has its message,
 * one parent, and exactly the files the change makes on that parent: it holds nothing but the
 * decision's change, whoever pushed it.
 */
async function branchIs(
  github: GitHub,
  at: Where,
  pull: RegistryPull,
  sha: string,
  wanted: { head: string; tree: string },
): Promise<"current" | "older" | "other"> {
  const { data } = await github.rest.git.getCommit({ ...at, commit_sha: sha });
  if (data.message !== pull.message || data.parents.length !== 1) return "other";
  const parent = data.parents[0]!.sha;
  if (parent === wanted.head) return data.tree.sha === wanted.tree ? "current" : "other";
  const built = await treeOn(github, at, pull, parent);
  return built.ok && built.tree === data.tree.sha ? "older" : "other";
}

/**
 * The decision's branch, pointing at its commit on `head`: a new branch, or the decision's own
 * one from an earlier try (moved onto `head` if it started from an older commit). A branch of
 * the same name that holds anything else is left alone, and the next name is tried.
 */
async function ensureDecisionBranch(
  github: GitHub,
  at: Where,
  pull: RegistryPull,
  wanted: { head: string; tree: string },
): Promise<{ ok: true; branch: string } | { ok: false; problem: string }> {
  const commit = async () => {
    const { tree, head } = wanted;
    const made = await github.rest.git.createCommit({
      ...at,
      message: pull.message,
      tree,
      parents: [head],
    });
    return made.data.sha;
  };
  const names = Array.from({ length: BRANCH_NAMES }, (_, i) =>
    i ? `${pull.branch}-${i + 1}` : pull.branch,
  );
  for (const branch of names) {
    let current = await branchHead(github, at, branch);
    if (current === undefined) {
      const sha = await commit();
      try {
        await github.rest.git.createRef({ ...at, ref: `refs/heads/${branch}`, sha });
        return { ok: true, branch };
      } catch (error) {
        if (status(error) !== 422) throw error;
        // Made meanwhile (another try of the same decision, or someone else): look at it.
        current = await branchHead(github, at, branch);
        if (current === undefined) throw error;
      }
    }
    const found = await branchIs(github, at, pull, current, wanted);
    if (found === "other") continue;
    if (found === "older") {
      const sha = await commit();
      await github.rest.git.updateRef({ ...at, ref: `heads/${branch}`, sha, force: true });
    }
    return { ok: true, branch };
  }
  return {
    ok: false,
    problem: `the branches \`${names[0]}\` to \`${names.at(-1)}\` already exist in ${pull.repo} and hold other work than this decision's; the app does not commit to them (delete them, then write \`/approve-tier\` again)`,
  };
}

async function open(github: GitHub, pull: RegistryPull): Promise<PullResult> {
  const [owner, repo] = pull.repo.split("/") as [string, string];
  const at = { owner, repo };
  const base = (await github.rest.repos.get(at)).data.default_branch;
  const head = (await github.rest.git.getRef({ ...at, ref: `heads/${base}` })).data.object.sha;
  const built = await treeOn(github, at, pull, head);
  if (!built.ok) return built;
  const made = await ensureDecisionBranch(github, at, pull, { head, tree: built.tree });
  if (!made.ok) return made;
  const existing = await openPullFrom(github, at, made.branch, { base, author: pull.author });
  if (existing) {
    if (existing.title !== pull.title || existing.body !== pull.body)
      await github.rest.pulls.update({
        ...at,
        pull_number: existing.number,
        title: pull.title,
        body: pull.body,
      });
    return { ok: true, number: existing.number, url: existing.html_url };
  }
  const { data } = await github.rest.pulls.create({
    ...at,
    title: pull.title,
    head: made.branch,
    base,
    body: pull.body,
  });
  return { ok: true, number: data.number, url: data.html_url };
}

/**
 * The open pull request from this branch that a first try opened: the app's own, into the
 * default branch. One someone else opened from the branch (into another base, say) is not it.
 */
async function openPullFrom(
  github: GitHub,
  at: { owner: string; repo: string },
  branch: string,
  ours: { base: string; author: string },
) {
  const { data } = await github.rest.pulls.list({
    ...at,
    head: `${at.owner}:${branch}`,
    base: ours.base,
    state: "open",
    per_page: 10,
  });
  return data.find((p) => p.base.ref === ours.base && p.user?.login === ours.author);
}

/**
 * Close the pull request a decision had opened (the circle changed its mind). Says "merged" when
 * it was merged already (its delivery not handled yet): then the registry holds the decision.
 */
export async function closeRegistryPullRequest(
  github: GitHub,
  pull: { repo: string; number: number },
): Promise<"closed" | "merged"> {
  const [owner, repo] = pull.repo.split("/") as [string, string];
  try {
    const now = await readRegistryPullRequest(github, pull);
    if (now.merged) return "merged";
    if (!now.closed)
      await github.rest.pulls.update({ owner, repo, pull_number: pull.number, state: "closed" });
    return "closed";
  } catch (error) {
    if (status(error) === 404) return "closed"; // gone already: nothing left to close
    throw error;
  }
}

/** A registry pull request as GitHub has it now (the sweep's look when its closing was missed). */
export async function readRegistryPullRequest(
  github: GitHub,
  pull: { repo: string; number: number },
): Promise<{ closed: boolean; merged: boolean; body: string }> {
  const [owner, repo] = pull.repo.split("/") as [string, string];
  const { data } = await github.rest.pulls.get({ owner, repo, pull_number: pull.number });
  return { closed: data.state === "closed", merged: data.merged, body: data.body ?? "" };
}

/**
 * The pull request, opened (or found, when a first try opened it). GitHub refusing for want of
 * access is said in words, for the comment; other failures are thrown, to be retried.
 */
export async function openRegistryPullRequest(
  github: GitHub,
  pull: RegistryPull,
): Promise<PullResult> {
  try {
    return await open(github, pull);
  } catch (error) {
    const code = status(error);
    if (code === 403 || code === 404)
      return {
        ok: false,
        problem: `GitHub refused (${code}): the app needs "Contents" and "Pull requests" write access to ${pull.repo}`,
      };
    if (code === 409 || code === 422)
      return {
        ok: false,
        problem: `GitHub refused the change (${code}): ${String((error as Error).message).slice(0, 200)}`,
      };
    throw error;
  }
}

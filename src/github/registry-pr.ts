// Opening the registry pull request a tier decision asks for: read the registry from the
// registry repository's default branch, change it (a pure edit, given), commit it on a branch of
// its own and open the pull request. A second try after a failure halfway reuses the branch and
// the pull request it already opened, so one decision never opens two.
import type { GitHub } from "./client-types.js";

export interface RegistryPull {
  /** owner/name of the repository that holds the registry. */
  repo: string;
  /** The registry's path in it (config/instances.yml). */
  path: string;
  branch: string;
  title: string;
  body: string;
  /** The registry's text, changed; or why it cannot be. */
  edit: (text: string) => { ok: true; text: string } | { ok: false; problem: string };
  /** Files that follow from the changed registry (the issue forms' instance lists). */
  follow?: (registry: string) => { path: string; text: string }[];
}

export type PullResult = { ok: true; number: number; url: string } | { ok: false; problem: string };

const status = (error: unknown) => (error as { status?: number }).status;

/** The file's text and blob sha on a branch, or undefined when it is not there. */
async function fileAt(github: GitHub, owner: string, repo: string, path: string, ref: string) {
  try {
    const { data } = await github.rest.repos.getContent({ owner, repo, path, ref });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (error) {
    if (status(error) === 404) return undefined;
    throw error;
  }
}

/** The open pull request from this branch, if a first try already opened it. */
async function openPullFrom(github: GitHub, owner: string, repo: string, branch: string) {
  const { data } = await github.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${branch}`,
    state: "open",
    per_page: 10,
  });
  return data[0];
}

/** The branch, made from the default branch's head; false when a first try already made it. */
async function createBranch(
  github: GitHub,
  owner: string,
  repo: string,
  branch: string,
  base: string,
) {
  const head = await github.rest.git.getRef({ owner, repo, ref: `heads/${base}` });
  try {
    await github.rest.git.createRef({
      owner,
      repo,
      ref: `refs/heads/${branch}`,
      sha: head.data.object.sha,
    });
    return true;
  } catch (error) {
    if (status(error) === 422) return false; // "Reference already exists"
    throw error;
  }
}

/** Commit one file on the branch, unless it already holds that text (a second try). */
async function commitFile(
  github: GitHub,
  at: { owner: string; repo: string; branch: string },
  file: { path: string; text: string },
  message: string,
) {
  // On a branch left by a first try, the file's blob may differ from the default branch's.
  const current = await fileAt(github, at.owner, at.repo, file.path, at.branch);
  if (current?.text === file.text) return;
  await github.rest.repos.createOrUpdateFileContents({
    owner: at.owner,
    repo: at.repo,
    path: file.path,
    message,
    content: Buffer.from(file.text, "utf8").toString("base64"),
    ...(current ? { sha: current.sha } : {}),
    branch: at.branch,
  });
}

async function open(github: GitHub, pull: RegistryPull): Promise<PullResult> {
  const [owner, repo] = pull.repo.split("/") as [string, string];
  const base = (await github.rest.repos.get({ owner, repo })).data.default_branch;
  const file = await fileAt(github, owner, repo, pull.path, base);
  if (!file) return { ok: false, problem: `${pull.repo} has no \`${pull.path}\` on ${base}` };
  const edited = pull.edit(file.text);
  if (!edited.ok) return edited;
  await createBranch(github, owner, repo, pull.branch, base);
  // The branch gets this decision's files even when a first try (or an earlier decision on the
  // same issue) left it: unchanged files cost no write.
  const files = [{ path: pull.path, text: edited.text }, ...(pull.follow?.(edited.text) ?? [])];
  for (const f of files)
    await commitFile(github, { owner, repo, branch: pull.branch }, f, pull.title);
  const existing = await openPullFrom(github, owner, repo, pull.branch);
  if (existing) {
    if (existing.title !== pull.title || existing.body !== pull.body)
      await github.rest.pulls.update({
        owner,
        repo,
        pull_number: existing.number,
        title: pull.title,
        body: pull.body,
      });
    return { ok: true, number: existing.number, url: existing.html_url };
  }
  const { data } = await github.rest.pulls.create({
    owner,
    repo,
    title: pull.title,
    head: pull.branch,
    base,
    body: pull.body,
  });
  return { ok: true, number: data.number, url: data.html_url };
}

/** Close the pull request a decision had opened (the circle changed its mind). */
export async function closeRegistryPullRequest(
  github: GitHub,
  pull: { repo: string; number: number },
): Promise<void> {
  const [owner, repo] = pull.repo.split("/") as [string, string];
  try {
    await github.rest.pulls.update({ owner, repo, pull_number: pull.number, state: "closed" });
  } catch (error) {
    if (status(error) !== 404) throw error; // gone already: nothing left to close
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

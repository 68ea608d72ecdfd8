// Issue reads and the small writes outside the triage executor (replies, reactions, mentions).
// Every GitHub call of the app lives under src/github/; these are the ones handlers, the sweep
// and the reports need.
import type { GitHub, IssueRef } from "./client-types.js";

/** The issue as GitHub has it now (a payload can be stale). */
export async function readIssue(github: GitHub, ref: IssueRef) {
  return (await github.rest.issues.get({ ...ref })).data;
}

export async function createComment(github: GitHub, ref: IssueRef, body: string): Promise<void> {
  await github.rest.issues.createComment({ ...ref, body });
}

/** GitHub's reactions. */
export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export async function reactToComment(
  github: GitHub,
  ref: IssueRef,
  commentId: number,
  content: Reaction,
): Promise<void> {
  await github.rest.reactions.createForIssueComment({
    owner: ref.owner,
    repo: ref.repo,
    comment_id: commentId,
    content,
  });
}

/** Issues (pull requests left out) of a repository, as the issues list returns them. */
export async function listIssues(
  github: GitHub,
  full: string,
  filter: { state: "open" | "all"; labels?: string; since?: string },
) {
  const [owner, repo] = full.split("/") as [string, string];
  const issues = await github.paginate(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: filter.state,
    ...(filter.labels ? { labels: filter.labels } : {}),
    ...(filter.since ? { since: filter.since } : {}),
    per_page: 100,
  });
  return issues.filter((i) => !i.pull_request);
}

/** The files a pull request changes (and the names they had before a rename). */
export async function changedFiles(github: GitHub, full: string, pull: number): Promise<string[]> {
  const [owner, repo] = full.split("/") as [string, string];
  const files = await github.paginate(github.rest.pulls.listFiles, {
    owner,
    repo,
    pull_number: pull,
    per_page: 100,
  });
  return files.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
}

/** The App's installations (with the App's own token). */
export async function listInstallations(appGitHub: GitHub) {
  return appGitHub.paginate(appGitHub.rest.apps.listInstallations, { per_page: 100 });
}

/** Assign a person; GitHub silently leaves out anyone it cannot assign: true when assigned. */
export async function addAssignee(github: GitHub, ref: IssueRef, login: string): Promise<boolean> {
  const { data } = await github.rest.issues.addAssignees({ ...ref, assignees: [login] });
  const same = (a: { login: string }) => a.login.toLowerCase() === login.toLowerCase();
  return (data.assignees ?? []).some(same);
}

/** Unassign a person (not assigned already is what was wanted). */
export async function removeAssignee(github: GitHub, ref: IssueRef, login: string): Promise<void> {
  await github.rest.issues.removeAssignees({ ...ref, assignees: [login] });
}

/** Close the issue: completed, or decided against ("not planned", a declined application). */
export async function closeIssue(
  github: GitHub,
  ref: IssueRef,
  reason: "completed" | "not_planned",
): Promise<void> {
  await github.rest.issues.update({ ...ref, state: "closed", state_reason: reason });
}

const ISSUE_OF_NODE = `query SysadminPipeIssueOfNode($id: ID!) {
  node(id: $id) { ... on Issue { number repository { nameWithOwner } } }
}`;

/** The issue a GraphQL id names (a board card's content), or undefined when it is no issue. */
export async function issueOfNode(
  github: GitHub,
  id: string,
): Promise<{ repo: string; number: number } | undefined> {
  const result = await github.graphql<{
    node: { number?: number; repository?: { nameWithOwner: string } } | null;
  }>(ISSUE_OF_NODE, { id });
  const node = result.node;
  return node?.number && node.repository
    ? { repo: node.repository.nameWithOwner, number: node.number }
    : undefined;
}

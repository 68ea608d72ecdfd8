// Real webhook payloads from @octokit/webhooks-examples, adjusted to OFN's repositories.
import { createRequire } from "node:module";
import { INSTALLATION_ID } from "./probot.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples") as {
  name: string;
  examples: { action?: string; [key: string]: unknown }[];
}[];

function example(event: string, action: string): Record<string, unknown> {
  const found = examples
    .find((e) => e.name === event)
    ?.examples.find((e) => !action || e.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found) as Record<string, unknown>;
}

export interface IssueFields {
  repo?: string;
  number?: number;
  title: string;
  body?: string;
  labels?: string[];
  author?: string;
}

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function issuesPayload(
  action: "opened" | "edited" | "reopened",
  fields: IssueFields,
): Payload {
  const payload: Payload = example("issues", action === "reopened" ? "reopened" : action);
  const repo = fields.repo ?? "openfoodfoundation/ofn-install";
  const [owner, name] = repo.split("/") as [string, string];
  const number = fields.number ?? 7;
  payload.repository.full_name = repo;
  payload.repository.name = name;
  payload.repository.owner.login = owner;
  payload.installation = {
    id: INSTALLATION_ID,
    node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==",
  };
  Object.assign(payload.issue, {
    number,
    // The fake board's and fake GitHub's GraphQL id for this issue.
    node_id: `I_issue${number}`,
    title: fields.title,
    body: fields.body ?? "",
    labels: (fields.labels ?? []).map((label, i) => ({
      id: 1000 + i,
      node_id: `LA_${i}`,
      url: `https://api.github.com/repos/${repo}/labels/${encodeURIComponent(label)}`,
      name: label,
      color: "ededed",
      default: false,
      description: null,
    })),
    url: `https://api.github.com/repos/${repo}/issues/${number}`,
    html_url: `https://github.com/${repo}/issues/${number}`,
    repository_url: `https://api.github.com/repos/${repo}`,
  });
  payload.issue.user.login = fields.author ?? "instance-manager";
  return payload;
}

export interface CommentFields {
  id: number;
  body: string;
  login: string;
  type?: "User" | "Bot";
  /** When it was written (ISO time); now unless said, as GitHub delivers it at once. */
  createdAt?: string;
}

/** issue_comment.created, on the given issue, by the given person. */
export function commentPayload(issue: IssueFields, comment: CommentFields): Payload {
  const payload: Payload = example("issue_comment", "created");
  const base = issuesPayload("opened", issue);
  payload.repository = base.repository;
  payload.installation = base.installation;
  payload.issue = { ...base.issue };
  delete payload.issue.pull_request;
  Object.assign(payload.comment, {
    id: comment.id,
    body: comment.body,
    user: { ...payload.comment.user, login: comment.login, type: comment.type ?? "User" },
    created_at: comment.createdAt ?? new Date().toISOString(),
    updated_at: comment.createdAt ?? new Date().toISOString(),
  });
  payload.sender = { ...payload.sender, login: comment.login, type: comment.type ?? "User" };
  return payload;
}

/** An issue as GET /repos/{owner}/{repo}/issues/{n} returns it (from the same example). */
export function restIssue(fields: IssueFields): Payload {
  return issuesPayload("opened", fields).issue;
}

/** An issue comment as the REST API returns it. */
export function restComment(id: number, body: string, userType: "Bot" | "User" = "Bot"): Payload {
  const payload: Payload = example("issue_comment", "created");
  return {
    ...payload.comment,
    id,
    body,
    user: {
      ...(payload.comment as Payload).user,
      login: userType === "Bot" ? "sysadmin-pipe[bot]" : "someone",
      type: userType,
    },
  };
}

function inRepo(payload: Payload, repo: string): Payload {
  const [owner, name] = repo.split("/") as [string, string];
  payload.repository.full_name = repo;
  payload.repository.name = name;
  payload.repository.owner.login = owner;
  payload.repository.default_branch = "main";
  payload.installation = {
    id: INSTALLATION_ID,
    node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==",
  };
  return payload;
}

/** pull_request.opened or .synchronize on `repo`, from head sha to base sha. */
export function pullRequestPayload(
  action: "opened" | "synchronize",
  repo: string,
  pr: { number: number; head: string; base: string },
): Payload {
  const payload = inRepo(example("pull_request", action), repo);
  payload.number = pr.number;
  payload.pull_request.number = pr.number;
  payload.pull_request.head.sha = pr.head;
  payload.pull_request.base.sha = pr.base;
  payload.pull_request.base.ref = payload.repository.default_branch; // into the default branch
  return payload;
}

/** A push to `ref` on `repo` whose one commit changed `files`. */
export function pushPayload(repo: string, ref: string, files: string[]): Payload {
  const payload = inRepo(example("push", ""), repo);
  payload.ref = ref;
  const commit = {
    id: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
    tree_id: "f9d2a07e9488b91af2641b26b9407fe22a451433",
    distinct: true,
    message: "Tier change",
    timestamp: "2026-11-25T10:00:00Z",
    url: `https://github.com/${repo}/commit/0d1a26e`,
    author: { name: "Circle", email: "circle@example.org", username: "circle" },
    committer: { name: "Circle", email: "circle@example.org", username: "circle" },
    added: [],
    removed: [],
    modified: files,
  };
  payload.commits = [commit];
  payload.head_commit = commit;
  return payload;
}

/** issues.assigned: `sender` assigned `assignee` to the issue. */
export function assignedPayload(
  issue: IssueFields,
  who: { sender: string; assignee: string; at: string },
): Payload {
  const payload: Payload = example("issues", "assigned");
  const base = issuesPayload("opened", issue);
  payload.repository = base.repository;
  payload.installation = base.installation;
  const assignee = { ...payload.assignee, login: who.assignee, type: "User" };
  payload.issue = { ...base.issue, assignee, assignees: [assignee], updated_at: who.at };
  payload.assignee = assignee;
  payload.sender = { ...payload.sender, login: who.sender, type: "User" };
  return payload;
}

/**
 * projects_v2_item.edited: `sender` moved the issue's card on the board from one Status option to
 * another. The example payload is from before GitHub added the field's name and its old and new
 * values (2024); they are set here as GitHub sends them now.
 */
export function cardMovedPayload(move: {
  issueNumber: number;
  from: string;
  to: string;
  sender: string;
  at: string;
  projectNumber?: number;
  fieldName?: string;
  /** The organisation whose project it is. */
  org?: string;
}): Payload {
  const payload: Payload = example("projects_v2_item", "edited");
  payload.installation = {
    id: INSTALLATION_ID,
    node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==",
  };
  payload.organization = { ...payload.organization, login: move.org ?? "openfoodfoundation" };
  Object.assign(payload.projects_v2_item, {
    content_node_id: `I_issue${move.issueNumber}`,
    content_type: "Issue",
    updated_at: move.at,
  });
  const option = (name: string) => ({ id: `opt-${name}`, name, color: "GRAY", description: "" });
  payload.changes = {
    field_value: {
      field_node_id: "PVTF_status",
      field_type: "single_select",
      field_name: move.fieldName ?? "Status",
      project_number: move.projectNumber ?? 5,
      from: option(move.from),
      to: option(move.to),
    },
  };
  payload.sender = { ...payload.sender, login: move.sender, type: "User" };
  return payload;
}

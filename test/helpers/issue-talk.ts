// People on an issue, as the end-to-end tests drive them: an issue opened, a comment written (at
// a given time if need be) and delivered, the bot comment's state and the app's other comments.
import { expect } from "@jest/globals";
import { decodeState } from "../../src/triage/state.js";
import type { LoopbackApp } from "./app-on-loopback.js";
import { commentPayload, issuesPayload, type IssueFields } from "./webhooks.js";

export interface IssueTalk {
  issue(n: number): ReturnType<LoopbackApp["fake"]["addIssue"]>;
  /** The bot comment's text and recorded state. */
  stateOf(n: number): { text: string; state: ReturnType<typeof decodeState> };
  /** The app's comments on the issue other than its bot comment (replies, notes). */
  notes(n: number): string[];
  /** Open an issue (written at `createdAt`, now unless said) and deliver it. */
  open(n: number, fields: IssueFields, createdAt?: string): Promise<void>;
  /** A person writes a comment (at `createdAt`); GitHub delivers it; the reactions it got. */
  say(n: number, login: string, body: string, createdAt?: string): Promise<string[]>;
}

/** Talk on `repo`'s issues of the app; comment ids start at `firstComment`. */
export function issueTalk(app: () => LoopbackApp, repo: string, firstComment: number): IssueTalk {
  let nextComment = firstComment;
  const issue = (n: number) => app().fake.repo(repo).issues.get(n)!;
  const bodies = (n: number) =>
    app()
      .fake.botComments(repo, n)
      .map((c) => c.body);
  return {
    issue,
    stateOf(n) {
      const bot = bodies(n).find((body) => body.includes("sysadmin-pipe:state"));
      return { text: bot ?? "", state: bot ? decodeState(bot) : undefined };
    },
    notes: (n) => bodies(n).filter((body) => !body.includes("sysadmin-pipe:state")),
    async open(number, fields, createdAt) {
      const at = createdAt ? { created_at: createdAt } : {};
      app().fake.addIssue(repo, { number, body: "", ...fields, labels: [], ...at });
      const payload = issuesPayload("opened", { number, ...fields });
      expect(await app().deliver("issues", payload, `open-${number}`)).toBe(200);
    },
    async say(n, login, body, createdAt) {
      const id = nextComment++;
      const comment = { id, issue: n, body, user: login, type: "User" as const, reactions: [] };
      app().fake.repo(repo).comments.push(comment);
      const { title, labels } = issue(n);
      const payload = commentPayload(
        { number: n, title, body: issue(n).body, labels },
        { id, body, login, ...(createdAt ? { createdAt } : {}) },
      );
      expect(await app().deliver("issue_comment", payload, `comment-${id}`)).toBe(200);
      return comment.reactions;
    },
  };
}

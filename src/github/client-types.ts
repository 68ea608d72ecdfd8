// The GitHub client type the executor uses: Probot's Octokit (REST methods, paginate, graphql).
import type { ProbotOctokit } from "probot";

export type GitHub = InstanceType<typeof ProbotOctokit>;

// A type alias (not an interface) so it spreads into Octokit's request parameters.
export type IssueRef = {
  owner: string;
  repo: string;
  issue_number: number;
};

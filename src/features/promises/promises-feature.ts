// Response promises: a request's first response stops its clock (a comment, an assignment, a card
// moved on: response-events.ts), and an unanswered S0 is announced again at half its promised
// time and at all of it (escalate.ts). The clock itself starts in the request's turn
// (usecase/triage-issue.ts), which sets the next step for its time through the queue.
import { issueJobFor, placeFor } from "../../usecase/issue-job.js";
import type { Feature } from "../feature.js";
import { escalateIfDue } from "./escalate.js";
import { recordFirstResponse } from "./first-response.js";
import { RESPONSE_RECEIVERS } from "./response-events.js";

export const promises: Feature = {
  name: "promises",
  receivers: RESPONSE_RECEIVERS,
  runs: {
    response: async (task, deps, octokit) => {
      const job = await issueJobFor(placeFor(task, octokit, deps.log), deps);
      return job ? recordFirstResponse(job, task) : undefined;
    },
    escalate: async (task, deps, octokit) => {
      const job = await issueJobFor(placeFor(task, octokit, deps.log), deps);
      return job ? escalateIfDue(job) : undefined;
    },
  },
};

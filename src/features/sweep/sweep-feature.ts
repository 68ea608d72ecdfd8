// The sweep as a feature: it takes no webhook event; it runs the repairs it queued (the queue's
// "repair" work). Its schedule is started by the wiring (schedule.ts), one per app.
import { issueJobFor, placeFor } from "../../usecase/issue-job.js";
import type { Feature } from "../feature.js";
import { repairIssue } from "./sweep.js";

export const sweep: Feature = {
  name: "sweep",
  runs: {
    repair: async (task, deps, octokit) => {
      const job = await issueJobFor(placeFor(task, octokit, deps.log), deps);
      return job ? repairIssue(job, task.why) : undefined;
    },
  },
};

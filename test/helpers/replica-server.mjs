// One replica of the app as a process, as `npm start` runs it (startServer with the built app),
// for the multi-replica tests and the benchmark. GitHub's spacing of writes (1 s apart, comments
// 3 s apart) is kept but divided by SPACING_SCALE (default 1), and, with REDIS_URL, shared by all
// replicas through Redis exactly as Probot's own throttling shares it.
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import app, { startServer } from "../../dist/index.js";
import { stopOnSignals } from "../../dist/shutdown.js";

const scale = Number(process.env.SPACING_SCALE || 1);
let groups;
const spacing = (throttle) => {
  const shared = throttle.connection ? { connection: throttle.connection, timeout: 120_000 } : {};
  groups ??= {
    write: new Bottleneck.Group({
      id: "octokit-write",
      maxConcurrent: 1,
      minTime: 1000 / scale,
      ...shared,
    }),
    notifications: new Bottleneck.Group({
      id: "octokit-notifications",
      maxConcurrent: 1,
      minTime: 3000 / scale,
      ...shared,
    }),
  };
  return groups;
};
const Scaled = ProbotOctokit.defaults((options) => ({
  ...options,
  throttle: { ...options.throttle, ...spacing(options.throttle ?? {}) },
}));

const server = await startServer(app, { Octokit: Scaled });
// SIGTERM as in production (src/server.ts): the rolling-restart test stops replicas this way.
stopOnSignals(console, Number(process.env.SHUTDOWN_TIMEOUT_SECONDS || 8), () => server);

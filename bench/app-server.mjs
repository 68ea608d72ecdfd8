// The app as `npm start` runs it (Probot's run() with dist/index.js, as dist/server.js does), in
// its own process so its memory is measured alone. Only GitHub's spacing of content-creating requests is shortened:
// the benchmark measures the app, not GitHub's one-write-a-second rule. BENCH_CLIENT picks:
// "spaced" keeps that spacing (Probot's client exactly as in production); "unthrottled" turns
// Probot's retry and throttling plugins off, to show how much of the time is their request
// scheduling (Bottleneck) rather than the app. BENCH_APP=peer runs bench/peer-app.mjs instead of
// the app (a bare Probot app making the same requests), with the same client, for the side-by-side.
import Bottleneck from "bottleneck";
import { pino } from "pino";
import { ProbotOctokit, run } from "probot";

const { default: app } = await import(
  process.env.BENCH_APP === "peer" ? "./peer-app.mjs" : "../dist/index.js"
);

const NoSpacing = ProbotOctokit.defaults((options) => ({
  ...options,
  throttle: {
    ...options.throttle,
    write: new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 }),
    notifications: new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 }),
  },
}));
const Unthrottled = ProbotOctokit.defaults((options) => ({
  ...options,
  throttle: { enabled: false },
  retry: { enabled: false },
}));

const clients = { spaced: ProbotOctokit, unthrottled: Unthrottled, shipped: NoSpacing };

await run(app, {
  log: pino({ level: "silent" }),
  Octokit: clients[process.env.BENCH_CLIENT] ?? NoSpacing,
});

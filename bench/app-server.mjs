// The app as `npm start` runs it (startServer with dist/index.js, as dist/server.js does: its
// webhook path guarded), in its own process so its memory is measured alone. Only GitHub's
// spacing of content-creating requests is shortened: the benchmark measures the app, not
// GitHub's one-write-a-second rule. BENCH_CLIENT picks:
// "spaced" keeps that spacing (Probot's client exactly as in production), "scaled" keeps it
// divided by BENCH_SPACING_SCALE; "unthrottled" turns
// Probot's retry and throttling plugins off, to show how much of the time is their request
// scheduling (Bottleneck) rather than the app. BENCH_APP=peer runs bench/peer-app.mjs instead of
// the app (a bare Probot app making the same requests, behind Probot's own webhook middleware),
// with the same client, for the side-by-side.
import Bottleneck from "bottleneck";
import { pino } from "pino";
import { ProbotOctokit, run } from "probot";

const peer = process.env.BENCH_APP === "peer";
const { default: app, startServer } = await import(peer ? "./peer-app.mjs" : "../dist/index.js");

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

// GitHub's spacing kept but divided by BENCH_SPACING_SCALE, for the side-by-side under spacing.
const scale = Number(process.env.BENCH_SPACING_SCALE || 1);
// One set of groups for the process, as Probot's own are: a client is made per delivery.
const scaledGroups = {
  write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 1000 / scale }),
  notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3000 / scale }),
};
const Scaled = ProbotOctokit.defaults((options) => ({
  ...options,
  throttle: { ...options.throttle, ...scaledGroups },
}));

const clients = {
  spaced: ProbotOctokit,
  unthrottled: Unthrottled,
  shipped: NoSpacing,
  scaled: Scaled,
};

await (peer ? run : startServer)(app, {
  log: pino({ level: "silent" }),
  Octokit: clients[process.env.BENCH_CLIENT] ?? NoSpacing,
});

// Settings hold passwords and tokens (REDIS_URL, CHAT_WEBHOOK_URL, STATUS_TOKEN), and the values
// that go wrong are the ones logged: a start-up problem names the setting and shows its value.
// One redaction masks what can be secret, also in values that do not parse as URLs, and the app
// as deployed never prints the secret, whatever the mistake.
import fc from "fast-check";
import { jest } from "@jest/globals";
import { redactSecrets } from "../src/redact.js";
import { readSettings } from "../src/settings.js";
import { ensureBuilt } from "./helpers/built.js";
import { freePort } from "./helpers/loopback.js";
import { credentials, runCmd } from "./helpers/server-process.js";

jest.setTimeout(60_000);

describe("one redaction for every logged setting", () => {
  test.each([
    [
      "a Redis password, and a stray newline kept visible",
      "redis://:hunter2-secret@redis.internal:6379\n",
      "redis://***@redis.internal:6379\n",
    ],
    [
      "a Redis password holding @ and /",
      "redis://default:p@ss/w0rd@redis.internal:6379/0",
      "redis://***@redis.internal:6379/0",
    ],
    [
      "a Slack webhook without its scheme (not a URL at all)",
      "hooks.slack.com/services/T0000/B0000/XXXXhunter2",
      "hooks.slack.com/services/***",
    ],
    [
      "a Slack webhook",
      "https://hooks.slack.com/services/T0000/B0000/XXXXhunter2",
      "https://hooks.slack.com/services/***",
    ],
    [
      "a Discord webhook",
      "https://discord.com/api/webhooks/123456/hunter2-token",
      "https://discord.com/api/webhooks/***",
    ],
    [
      "a Slack-compatible webhook on a chat server of one's own (Mattermost, Rocket.Chat)",
      "https://chat.example.org/hooks/hunter2key",
      "https://chat.example.org/hooks/***",
    ],
    [
      "tokens in the query (Google Chat), and a fragment",
      "https://chat.googleapis.com/v1/spaces/AAA/messages?key=AIzahunter2&token=hunter2#frag",
      "https://chat.googleapis.com/v1/spaces/AAA/messages?key=***&token=***#***",
    ],
    [
      "a Teams webhook",
      "https://acme.webhook.office.com/webhookb2/hunter2@tenant/IncomingWebhook/abc/def",
      "https://***@tenant/IncomingWebhook/***",
    ],
    [
      "a value that does not parse as a URL, with userinfo",
      "redis//admin:hunter2@redis.internal",
      "***@redis.internal",
    ],
  ])("%s", (_, value, shown) => {
    expect(redactSecrets(value)).toBe(shown);
  });

  test("what holds no secret is shown as it is", () => {
    for (const value of [
      "redis://127.0.0.1:6379",
      "rediss://redis.internal:6380/2",
      "/srv/sysadmin-pipe/config/instances.yml",
      "openfoodfoundation/sysadmin-pipe",
      "connect ECONNREFUSED 127.0.0.1:6399",
    ])
      expect(redactSecrets(value)).toBe(value);
  });

  test("no Redis password, whatever it holds, survives (property)", () => {
    const shown = "redis://***@redis.internal:6379/0";
    fc.assert(
      fc.property(
        fc.string({ minLength: 6, maxLength: 40, unit: "binary" }),
        fc.boolean(),
        (password, user) => {
          fc.pre(!shown.includes(password));
          const url = `redis://${user ? "default" : ""}:${password}@redis.internal:6379/0`;
          expect(redactSecrets(url)).not.toContain(password);
        },
      ),
      { seed: 22, numRuns: 300 },
    );
  });

  test("a chat webhook's secret path never survives, with or without its scheme (property)", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(
          "hooks.slack.com/services/T1/B2/",
          "discord.com/api/webhooks/42/",
          "chat.example.org/hooks/",
        ),
        fc.constantFrom("", "https://", "http://"),
        token,
        (prefix, scheme, secret) => {
          expect(redactSecrets(`${scheme}${prefix}${secret}`)).not.toContain(secret);
        },
      ),
      { seed: 22 },
    );
  });

  test("a setting's problem shows the value redacted, and a token not at all", () => {
    const read = readSettings({
      REDIS_URL: "redis://:hunter2-secret@redis.internal:6379\n",
      CHAT_WEBHOOK_URL: "hooks.slack.com/services/T0000/B0000/XXXXhunter2",
      STATUS_TOKEN: "hunter2",
    });
    const problems = read.ok ? [] : read.problems.sort();
    expect(problems).toEqual([
      'CHAT_WEBHOOK_URL="hooks.slack.com/services/***": must be an http(s) URL',
      'REDIS_URL="redis://***@redis.internal:6379\\n": must be a redis:// or rediss:// URL',
      "STATUS_TOKEN=(hidden, 7 characters): must be at least 16 characters without spaces (openssl rand -hex 32)",
    ]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });
});

describe("the deployed app's start-up never prints a secret", () => {
  beforeAll(ensureBuilt);

  test.each([
    [
      "REDIS_URL with a password and a stray newline",
      "REDIS_URL",
      "redis://:hunter2-pw@127.0.0.1:{port}\n",
    ],
    [
      "REDIS_URL with @ in the password (Redis not answering)",
      "REDIS_URL",
      "redis://:p@ss-hunter2@127.0.0.1:{port}",
    ],
    [
      "CHAT_WEBHOOK_URL without a scheme",
      "CHAT_WEBHOOK_URL",
      "hooks.slack.com/services/T0000/B0000/hunter2XXXX",
    ],
    ["a STATUS_TOKEN too short", "STATUS_TOKEN", "hunter2"],
  ])("%s: exit 1, the setting named, the secret nowhere", async (_, name, value) => {
    const port = await freePort();
    const app = runCmd({
      ...credentials(),
      PORT: String(port),
      [name]: value.replace("{port}", String(await freePort())),
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(new RegExp(`cannot start: ${name}=`));
    expect(app.output()).not.toMatch(/hunter2|p@ss/);
  });
});

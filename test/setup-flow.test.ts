// The first day: `npm start` with no credentials serves Probot's set-up page; a person presses
// "Register GitHub App" in a real (headless) browser; GitHub (a loopback stand-in) receives the
// manifest, sends the browser back with a code, Probot exchanges it for the App's credentials and
// writes .env; the app restarts itself with them and accepts deliveries signed with its secret.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jest } from "@jest/globals";
import puppeteer, { type Browser } from "puppeteer-core";
import { parse as parseYaml } from "yaml";
import { ensureBuilt, ROOT } from "./helpers/built.js";
import { GitHubSetupPage, manifestProblems } from "./helpers/github-setup-page.js";
import { freePort, signature } from "./helpers/loopback.js";

jest.setTimeout(150_000);

/** Debian's headless Chromium, installed by .ci/run; the browser test says so when it is missing. */
const CHROMIUM = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium-headless-shell",
  "/usr/bin/chromium",
]
  .filter((p): p is string => !!p)
  .find((p) => existsSync(p));
const withBrowser = CHROMIUM ? test : test.skip;
if (!CHROMIUM) {
  console.warn(
    "setup-flow: no Chromium found (apt-get install chromium-headless-shell, or set CHROMIUM_PATH): the browser test is skipped",
  );
}

const appYml = readFileSync(path.join(ROOT, "app.yml"), "utf8");

describe("app.yml, the manifest the set-up page sends", () => {
  test("has no value with the ' that would cut it short inside the page's attribute", () => {
    expect(JSON.stringify(parseYaml(appYml))).not.toContain("'");
  });

  test("does not override the addresses Probot fills in (redirect and webhook)", () => {
    const manifest = parseYaml(appYml) as Record<string, unknown>;
    expect(manifest).not.toHaveProperty("redirect_url");
    expect(manifest).not.toHaveProperty("hook_attributes");
  });

  test("asks GitHub for nothing it would refuse", () => {
    const manifest = {
      ...(parseYaml(appYml) as object),
      redirect_url: "http://localhost:3000/probot/setup",
      hook_attributes: { url: "http://localhost:3000/" },
    };
    expect(manifestProblems(JSON.stringify(manifest))).toEqual([]);
  });
});

describe("registering the App from the set-up page", () => {
  const github = new GitHubSetupPage();
  let browser: Browser | undefined;
  let app: ChildProcess | undefined;
  let output = "";

  beforeAll(ensureBuilt);
  afterAll(async () => {
    await browser?.close();
    app?.kill("SIGKILL");
    await github.stop();
  });

  withBrowser(
    "Register in the browser writes .env, and the app restarts with the App's credentials",
    async () => {
      const githubUrl = await github.start();
      const port = await freePort();
      // A fresh clone's folder: the manifest and package.json, no .env yet.
      const dir = mkdtempSync(path.join(tmpdir(), "sysadmin-pipe-setup-"));
      copyFileSync(path.join(ROOT, "app.yml"), path.join(dir, "app.yml"));
      copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
      const env = { ...process.env };
      for (const name of ["APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET"]) delete env[name];
      app = spawn(process.execPath, [path.join(ROOT, "dist", "server.js")], {
        cwd: dir,
        env: {
          ...env,
          NODE_ENV: "development",
          PORT: String(port),
          NO_SMEE_SETUP: "true", // no webhook proxy from here: nothing leaves the machine
          GHE_HOST: githubUrl.replace("http://", ""),
          GHE_PROTOCOL: "http",
          LOG_FORMAT: "json",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      app.stdout!.on("data", (d) => (output += d));

      app.stderr!.on("data", (d) => (output += d));
      await until(
        async () =>
          (await fetch(`http://localhost:${port}/probot`).catch(() => undefined))?.ok ?? false,
      );

      // Generous timeouts: on a busy two-core machine a browser can take a while to start.
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox"],
        timeout: 60_000,
      });
      const page = await browser.newPage();
      page.setDefaultTimeout(60_000);
      await page.goto(`http://localhost:${port}/`);
      expect(page.url()).toBe(`http://localhost:${port}/probot`);
      // The page's form posts the manifest (read by the browser from the button's attribute) to
      // GitHub. It opens a new tab; here it is followed in the same tab, which a headless browser
      // under load does more reliably, and which changes nothing in what is sent.
      await page.$eval("form", (form) => ((form as { target: string }).target = "_self"));
      await Promise.all([
        page.waitForNavigation({ waitUntil: "load" }),
        page.$eval("#manifest", (button) => (button as { click(): void }).click()),
      ]);
      await until(
        () => page.url().endsWith("/apps/sysadmin-pipe/installations/new"),
        60_000,
        () => `the browser is at ${page.url()}; GitHub got ${JSON.stringify(github.manifests)}`,
      );

      // GitHub received a manifest it accepts, with Probot's own addresses in it.
      expect(github.manifests.map((m) => m.problems)).toEqual([[]]);
      expect(github.manifests[0]!.manifest).toMatchObject({
        name: "sysadmin-pipe",
        redirect_url: `http://localhost:${port}/probot/setup`,
        default_permissions: { issues: "write", organization_projects: "write" },
      });
      expect(github.problems).toEqual([]);

      // .env holds the App's id, key and secret.
      const dotenv = readFileSync(path.join(dir, ".env"), "utf8");
      expect(dotenv).toMatch(/^APP_ID=4242$/m);
      expect(dotenv).toMatch(/^WEBHOOK_SECRET=whsec-from-the-manifest-flow$/m);
      expect(dotenv).toContain('PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\\n');

      // The app restarted with them: it loaded the registry and checks deliveries' signatures.
      // Restarted: the registry loaded, and the server listening again (its second "Listening").
      await until(
        () =>
          output.includes("restarting with its credentials") &&
          output.includes("registry from") &&
          output.split("Listening on").length > 2,
        60_000,
        () => `; the app said: ${output.slice(-3000)}`,
      );
      const deliver = (secret: string) => {
        const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
        return fetch(`http://localhost:${port}/api/github/webhooks`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "ping",
            "x-github-delivery": `setup-${secret}`,
            "x-hub-signature-256": signature(body, secret),
          },
          body,
        });
      };
      expect((await deliver(github.webhookSecret)).status).toBe(200);
      expect((await deliver("some-other-secret")).status).toBe(400);
    },
  );
});

async function until(
  test: () => boolean | Promise<boolean>,
  ms = 60_000,
  why: () => string = () => "",
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out ${why()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

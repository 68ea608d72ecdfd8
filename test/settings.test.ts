// The deployer's settings: checked at start, and the places a deployment needs (board, reports,
// live registry) given without editing the shipped files.
import { readFileSync } from "node:fs";
import { readDeployment, readSettings, SETTINGS_HELP, withDeployment } from "../src/settings.js";
import { shippedPolicy } from "./helpers/config.js";

describe("settings from the environment", () => {
  test("unset and empty variables take their defaults", () => {
    expect(readSettings({ DRY_RUN: "", RECONCILE_EVERY_MINUTES: "" })).toMatchObject({
      ok: true,
      settings: { DRY_RUN: false, RECONCILE_EVERY_MINUTES: 15, SHUTDOWN_TIMEOUT_SECONDS: 8 },
    });
  });

  test("every bad value is named with what it must be", () => {
    const read = readSettings({
      RECONCILE_EVERY_MINUTES: "abc",
      DRY_RUN: "maybe",
      BOARD_NUMBER: "five",
      REPORTS_REPO: "just-a-name",
    });
    expect(read.ok).toBe(false);
    expect(read.ok ? [] : read.problems.sort()).toEqual([
      'BOARD_NUMBER="five": must be a whole number of a project',
      'DRY_RUN="maybe": must be true or false',
      'RECONCILE_EVERY_MINUTES="abc": must be a whole number of minutes',
      'REPORTS_REPO="just-a-name": must be a repository written owner/name',
    ]);
  });

  test("the command line reads only the deployment's places, not the app's switches", () => {
    expect(readDeployment({ RECONCILE_EVERY_MINUTES: "abc" }).ok).toBe(true);
  });
});

describe("a deployment that edits no shipped file", () => {
  const policy = shippedPolicy();

  test("the board, the reports repository, the live registry and the teams come from the environment", () => {
    const read = readDeployment({
      BOARD_OWNER: "my-org",
      BOARD_NUMBER: "7",
      REPORTS_REPO: "my-org/ofn-install",
      REGISTRY_REPO: "my-org/sysadmin-pipe",
      CIRCLE_TEAM: "my-org/instance-managers",
      S0_TEAM: "my-org/sysadmins",
      MAINTAINER_TEAM: "my-org/core",
    });
    if (!read.ok) throw new Error(read.problems.join("; "));
    const deployed = withDeployment(policy, read.settings);
    expect(deployed.board).toMatchObject({ owner: "my-org", number: 7, status_field: "Status" });
    expect(deployed.reports).toMatchObject({
      repo: "my-org/ofn-install",
      circle_team: "my-org/instance-managers",
    });
    expect(deployed.registry_source.repo).toBe("my-org/sysadmin-pipe");
    expect(deployed.alerts.s0_team).toBe("my-org/sysadmins");
    expect(deployed.commands.maintainer_team).toBe("my-org/core");
  });

  test("without those variables the policy file decides", () => {
    expect(withDeployment(policy, {})).toEqual(policy);
  });
});

test("the operators' page's table and .env.example name every variable the app reads", () => {
  const readme = readFileSync(new URL("../docs/running-it.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
  for (const name of Object.keys(SETTINGS_HELP)) {
    expect(readme).toMatch(new RegExp(`^\\|[^\\n]*\`${name}\``, "m"));
    expect(example).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  }
});

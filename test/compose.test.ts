// compose.yaml, the several-replica set-up operators start with `docker compose up`: valid
// against the Compose Specification's JSON Schema (test/fixtures/compose-spec.json), and saying
// what docs/running-it.md promises: Redis 7 with a health check and a volume, two replicas of
// the app's image on it, restarted, health-checked on /ping, each on its own port. Where Docker
// runs, `docker compose config` reads it too.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { ROOT } from "./helpers/built.js";

const FILE = path.join(ROOT, "compose.yaml");
const compose = parse(readFileSync(FILE, "utf8"), { merge: true }) as {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, unknown>;
};
const schema = JSON.parse(
  readFileSync(path.join(ROOT, "test/fixtures/compose-spec.json"), "utf8"),
) as object;

/** A validator for the schema (draft-07, which the schema names by its https address). */
function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const draft7 = JSON.parse(
    readFileSync(path.join(ROOT, "node_modules/ajv/dist/refs/json-schema-draft-07.json"), "utf8"),
  ) as object;
  ajv.addMetaSchema({ ...draft7, $id: "https://json-schema.org/draft-07/schema" });
  return ajv;
}

test("compose.yaml is valid against the Compose Specification's schema", () => {
  const validate = validator().compile(schema);
  const valid = validate(compose);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
});

test("the schema check would catch a mistake (a misspelt key)", () => {
  const broken = structuredClone(compose);
  broken.services["replica-1"]!.restart_policy = "always";
  expect(validator().validate(schema, broken)).toBe(false);
});

test("Redis 7 with a health check and a volume, two replicas on it, each on its own port", () => {
  const { redis, ...replicas } = compose.services;
  expect(redis!.image).toMatch(/^redis:7/);
  expect(redis!.healthcheck).toBeDefined();
  expect(redis!.volumes).toEqual(["redis-data:/data"]);
  expect(Object.keys(compose.volumes)).toEqual(["redis-data"]);
  expect(Object.keys(replicas)).toHaveLength(2);
  const ports = Object.values(replicas).map((r) => (r.ports as string[])[0]!.split(":")[0]);
  expect(new Set(ports).size).toBe(2);
  for (const replica of Object.values(replicas)) {
    expect(replica).toMatchObject({
      build: ".",
      env_file: ".env",
      environment: { REDIS_URL: "redis://redis:6379" },
      restart: "unless-stopped",
      depends_on: { redis: { condition: "service_healthy" } },
    });
    expect(JSON.stringify(replica.healthcheck)).toContain("/ping");
  }
});

const docker = spawnSync("docker", ["compose", "version"]).status === 0;
if (!docker) console.warn("docker compose is not available: `docker compose config` skipped");

(docker ? test : test.skip)("docker compose config reads it", () => {
  const dir = tmpdir();
  const env = path.join(dir, ".env");
  writeFileSync(env, "APP_ID=1\n");
  const run = spawnSync("docker", ["compose", "-f", FILE, "--env-file", env, "config", "-q"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
});

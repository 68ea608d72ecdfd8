// The OpenMetrics text parsed by the Prometheus project's own Python client
// (prometheus_client.openmetrics.parser, Debian's python3-prometheus-client, which .ci/run
// installs): a strict parser of the format, not a pattern of ours. Where it is missing, the tests
// that need it say so and are skipped.
import { spawnSync } from "node:child_process";

const PYTHON = "/usr/bin/python3";

const SCRIPT = `
import json, math, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
families = []
for f in text_string_to_metric_families(sys.stdin.read()):
    families.append({"name": f.name, "type": f.type, "samples": [
        {"name": s.name, "labels": s.labels,
         "value": s.value if math.isfinite(s.value) else str(s.value)} for s in f.samples]})
print(json.dumps(families))
`;

export const haveParser =
  spawnSync(PYTHON, ["-c", "import prometheus_client.openmetrics.parser"]).status === 0;

if (!haveParser)
  console.warn(
    "python3-prometheus-client is not installed (apt-get install python3-prometheus-client): the OpenMetrics parse is skipped",
  );

export interface Sample {
  name: string;
  labels: Record<string, string>;
  /** A number, or "nan", "inf", "-inf" as the parser wrote them. */
  value: number | string;
}

export interface Family {
  name: string;
  type: string;
  samples: Sample[];
}

/** Parse an exposition; throws with the parser's own message when it is not valid OpenMetrics. */
export function parseOpenMetrics(text: string): Family[] {
  const run = spawnSync(PYTHON, ["-c", SCRIPT], { input: text, encoding: "utf8" });
  if (run.status !== 0)
    throw new Error(`not valid OpenMetrics: ${run.stderr.trim().split("\n").at(-1)}`);
  return JSON.parse(run.stdout) as Family[];
}

/** The sum of a family's samples named `sample` whose labels include `labels`. */
export function valueOf(
  families: Family[],
  sample: string,
  labels: Record<string, string> = {},
): number {
  return families
    .flatMap((f) => f.samples)
    .filter((s) => s.name === sample)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + (typeof s.value === "number" ? s.value : NaN), 0);
}

export const describeWithParser = haveParser ? describe : describe.skip;

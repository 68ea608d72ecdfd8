// The development set of real OFN issues with a sysadmin's answers (../shared/data).
import { existsSync, readFileSync } from "node:fs";

export interface DevRow {
  source: string;
  repo: string;
  title: string;
  body: string;
  labels: string[];
  answer: {
    kind: "instance" | "install" | "other";
    instances: string[];
    category: string;
    category_also_ok?: string[];
    severity: string;
  };
}

// A copy of ../shared/data/dev-issues.jsonl, so the tests run from a clean clone alone.
const DEV_SET = new URL("../fixtures/dev-issues.jsonl", import.meta.url);

export function devSetAvailable(): boolean {
  return existsSync(DEV_SET);
}

export function loadDevSet(): DevRow[] {
  return readFileSync(DEV_SET, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DevRow);
}

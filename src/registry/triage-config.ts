// The configuration every decision is made under: the tier registry and the policy.
import type { Policy } from "./policy.js";
import { instanceList, type Registry } from "./schema.js";

export interface TriageConfig {
  registry: Registry;
  policy: Policy;
}

/** The repositories the app watches: the installer, the configured ones and instance repos. */
export function watchedRepos(config: TriageConfig): string[] {
  return [
    ...new Set([
      config.policy.watch.install_repo,
      ...config.policy.watch.repos,
      ...instanceList(config.registry).flatMap((i) => i.repos ?? []),
    ]),
  ];
}

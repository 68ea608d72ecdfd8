// The registry and policy in force, per installation: read from the registry repository's
// default branch, revalidated cheaply (conditional requests) and reloaded at once on a push.
// A broken file on the default branch never replaces the last good configuration.
import type { TriageConfig } from "../registry/triage-config.js";
import type { Policy, RegistrySource } from "../registry/policy.js";
import { validateConfig, type ConfigFile } from "../registry/validate.js";
import { formatProblems } from "../registry/yaml-load.js";
import { readRepoFile } from "./repo-files.js";
import type { GitHub } from "./client-types.js";
import type { Logger } from "../logger.js";

export interface LiveConfig {
  config: TriageConfig;
  /** False while the default branch holds an invalid registry: the app then rejects nothing. */
  trusted: boolean;
}

/** The live registry's files; tiers.yml and signals.yml may be absent (a one-file policy). */
const FILES = ["registry", "policy", "tiers", "signals"] as const;
type FileKey = (typeof FILES)[number];

interface Entry extends LiveConfig {
  /** Why the default branch's registry was refused (while not trusted). */
  problems?: string;
  texts: Partial<Record<FileKey, string>>;
  etags: Partial<Record<FileKey, string>>;
  checkedAt: number;
}

/** Files GitHub said are too large to read, with their sizes. */
type Oversized = Partial<Record<FileKey, number>>;

const REVALIDATE_MS = 5 * 60 * 1000;

export class ConfigStore {
  private entries = new Map<string, Entry>();

  /** `shipped`: the app's own files, used until (and unless) a live registry is read. */
  constructor(
    private readonly shipped: TriageConfig,
    private readonly log: Logger,
    /** The deployment's settings over a policy read from the repository. */
    private readonly deployment: (policy: Policy) => Policy = (policy) => policy,
  ) {}

  /** Where the live registry is read from (set in the app's own policy). */
  get source(): RegistrySource {
    return this.shipped.policy.registry_source;
  }

  /** The registry's state, for /status: where it comes from, and per installation if it holds. */
  describe() {
    const instances = (config: TriageConfig) => Object.keys(config.registry.instances).length;
    return {
      source: this.source.repo ?? "the app's own files",
      instances: instances(this.shipped),
      live: [...this.entries].map(([installation, entry]) => ({
        installation,
        valid: entry.trusted,
        instances: instances(entry.config),
        checkedAt: new Date(entry.checkedAt).toISOString(),
        ...(entry.problems ? { problems: entry.problems } : {}),
      })),
    };
  }

  /** The configuration for this installation; `force` re-reads now (after a push). */
  async get(github: GitHub, installation: string, force = false): Promise<LiveConfig> {
    const repo = this.source.repo;
    if (!repo) return { config: this.shipped, trusted: true };
    const entry = this.entries.get(installation);
    if (entry && !force && Date.now() - entry.checkedAt < REVALIDATE_MS) return entry;
    try {
      return await this.refresh(github, installation, repo, entry);
    } catch (error) {
      // GitHub unreachable or erroring: keep what we have, try again on the next event.
      this.log.warn(
        { repo, error: String(error) },
        "could not read the live registry; keeping the last one",
      );
      return entry ?? { config: this.shipped, trusted: true };
    }
  }

  private async refresh(
    github: GitHub,
    installation: string,
    full: string,
    entry: Entry | undefined,
  ) {
    const [owner, repo] = full.split("/") as [string, string];
    const texts = { ...entry?.texts };
    const etags = { ...entry?.etags };
    const oversized: Oversized = {};
    let changed = !entry;
    for (const key of FILES) {
      const path = this.source[key];
      const read = await readRepoFile(github, { owner, repo, path }, entry?.etags[key]);
      if (read.status === "ok") {
        changed = changed || read.text !== texts[key];
        texts[key] = read.text;
        etags[key] = read.etag;
      } else if (read.status === "missing" || read.status === "too-large") {
        changed = changed || texts[key] !== undefined || read.status === "too-large";
        texts[key] = undefined;
        etags[key] = undefined;
        if (read.status === "too-large") oversized[key] = read.bytes;
      }
    }
    if (!changed && entry) {
      const same = { ...entry, checkedAt: Date.now() };
      this.entries.set(installation, same);
      return same;
    }
    const next = this.judge(full, { texts, oversized }, etags, entry);
    this.entries.set(installation, next);
    return next;
  }

  private judge(
    full: string,
    read: { texts: Entry["texts"]; oversized: Oversized },
    etags: Entry["etags"],
    entry: Entry | undefined,
  ): Entry {
    const { texts } = read;
    const file = (key: FileKey): ConfigFile | undefined => {
      const [text, tooLarge] = [texts[key], read.oversized[key]];
      if (tooLarge !== undefined) return { path: this.source[key], text: "", tooLarge };
      return text === undefined ? undefined : { path: this.source[key], text };
    };
    const [registry, policy] = [file("registry"), file("policy")];
    const missing = (path: string) => [
      { file: path, line: 1, column: 1, message: "the file is missing" },
    ];
    const validation =
      registry && policy
        ? validateConfig({
            registry,
            policy: (["policy", "tiers", "signals"] as const).flatMap((key) => file(key) ?? []),
          })
        : { problems: missing(registry ? this.source.policy : this.source.registry) };
    if (validation.config && !validation.problems.length) {
      this.log.info({ repo: full }, "live registry loaded");
      const config = { ...validation.config, policy: this.deployment(validation.config.policy) };
      return { config, trusted: true, texts, etags, checkedAt: Date.now() };
    }
    this.log.error(
      { repo: full, problems: formatProblems(validation.problems) },
      "THE REGISTRY ON THE DEFAULT BRANCH IS INVALID: keeping the last good one, and rejecting nothing until it is fixed",
    );
    return {
      config: entry?.config ?? this.shipped,
      trusted: false,
      problems: formatProblems(validation.problems),
      texts,
      etags,
      checkedAt: Date.now(),
    };
  }
}

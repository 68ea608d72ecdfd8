// Reading a configuration file from a repository, optionally only if it changed (ETag): a 304
// answer costs nothing against the rate limit. The contents API's JSON form is used because it
// says the file's size and, for a file over 1 MB, sends no content at all: a huge file in a pull
// request is refused by its size without ever being downloaded or parsed.
import { MAX_CONFIG_BYTES } from "../registry/yaml-load.js";
import type { GitHub } from "./client-types.js";

export type FileRead =
  | { status: "ok"; text: string; etag?: string }
  /** Larger than a configuration file may be (MAX_CONFIG_BYTES): not read. */
  | { status: "too-large"; bytes: number }
  | { status: "not-modified" }
  | { status: "missing" };

export async function readRepoFile(
  github: GitHub,
  where: { owner: string; repo: string; path: string; ref?: string },
  etag?: string,
): Promise<FileRead> {
  try {
    const response = await github.rest.repos.getContent({
      ...where,
      ...(etag ? { headers: { "if-none-match": etag } } : {}),
    });
    const data = response.data;
    // A folder (a list) or a submodule or symlink is not a file anyone can read as YAML.
    if (Array.isArray(data) || data.type !== "file" || !("content" in data))
      return { status: "missing" };
    if (data.size > MAX_CONFIG_BYTES) return { status: "too-large", bytes: data.size };
    return {
      status: "ok",
      text: Buffer.from(data.content, "base64").toString("utf8"),
      ...(response.headers.etag ? { etag: response.headers.etag } : {}),
    };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 304) return { status: "not-modified" };
    if (status === 404) return { status: "missing" };
    throw error;
  }
}

// Reading a configuration file from a repository, raw, optionally only if it changed (ETag):
// a 304 answer costs nothing against the rate limit.
import type { GitHub } from "./client-types.js";

export type FileRead =
  | { status: "ok"; text: string; etag?: string }
  | { status: "not-modified" }
  | { status: "missing" };

const MAX_BYTES = 1024 * 1024;

export async function readRepoFile(
  github: GitHub,
  where: { owner: string; repo: string; path: string; ref?: string },
  etag?: string,
): Promise<FileRead> {
  try {
    const response = await github.rest.repos.getContent({
      ...where,
      mediaType: { format: "raw" },
      ...(etag ? { headers: { "if-none-match": etag } } : {}),
    });
    const text = typeof response.data === "string" ? response.data : String(response.data);
    if (Buffer.byteLength(text) > MAX_BYTES) throw new Error(`${where.path} is larger than 1 MiB`);
    return {
      status: "ok",
      text,
      ...(response.headers.etag ? { etag: response.headers.etag } : {}),
    };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 304) return { status: "not-modified" };
    if (status === 404) return { status: "missing" };
    throw error;
  }
}

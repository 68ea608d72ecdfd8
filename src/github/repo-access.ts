// Is this person a maintainer? Write, maintain or admin on the repository, or a member of the
// configured team. Asked of GitHub only when a command needs it, and cached for a few minutes.
import type { GitHub } from "./client-types.js";
import type { Logger } from "../logger.js";
import { TtlCache } from "./ttl-cache.js";

const cache = new TtlCache<boolean>(5 * 60 * 1000, 5000);

export function forgetPermissions(): void {
  cache.clear();
}

const status = (error: unknown) => (error as { status?: number }).status;

async function hasWriteAccess(github: GitHub, owner: string, repo: string, login: string) {
  try {
    const { data } = await github.rest.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username: login,
    });
    // `permission` folds maintain into write and triage into read; role_name keeps them.
    return ["admin", "maintain", "write"].includes(data.role_name ?? data.permission);
  } catch (error) {
    if (status(error) === 404) return false; // not a user GitHub knows, or no access at all
    throw error;
  }
}

async function inTeam(github: GitHub, team: string, login: string, log: Logger) {
  const [org, slug] = team.split("/") as [string, string];
  try {
    const { data } = await github.rest.teams.getMembershipForUserInOrg({
      org,
      team_slug: slug,
      username: login,
    });
    return data.state === "active";
  } catch (error) {
    if (status(error) === 404) return false;
    if (status(error) === 403) {
      log.warn({ team }, 'cannot read team membership: grant the app "Members: read"');
      return false;
    }
    throw error;
  }
}

/** Is this person an active member of the team (org/slug)? Cached like permissions. */
export async function isTeamMember(
  github: GitHub,
  installation: string,
  team: string | null,
  login: string,
  log: Logger,
): Promise<boolean> {
  if (!team) return false;
  const key = `${installation}:team:${team}:${login}`.toLowerCase();
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const member = await inTeam(github, team, login, log);
  cache.set(key, member);
  return member;
}

export async function isMaintainer(
  github: GitHub,
  where: { installation: string; owner: string; repo: string },
  login: string,
  team: string | null,
  log: Logger,
): Promise<boolean> {
  const key = `${where.installation}:${where.owner}/${where.repo}:${login}`.toLowerCase();
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const maintainer =
    (await hasWriteAccess(github, where.owner, where.repo, login)) ||
    (team !== null && (await inTeam(github, team, login, log)));
  cache.set(key, maintainer);
  return maintainer;
}

// Who the app is on GitHub. Its comments are written by `<slug>[bot]`; other Apps and Actions
// are bots too, so the app trusts only comments by this exact login. GitHub says the slug to the
// App itself (`GET /app`, authenticated as the App, not as an installation).
import type { GitHub } from "./client-types.js";

/** The slug GitHub gives an App registered from app.yml (its `name`), when no other was taken. */
export const DEFAULT_APP_SLUG = "sysadmin-pipe";

/** The login the App's comments are written by. */
export const botLogin = (slug: string) => `${slug}[bot]`;

/** The App's slug, asked of GitHub with the App's own (JWT) client. */
export async function readAppSlug(appOctokit: GitHub): Promise<string> {
  const { data } = await appOctokit.rest.apps.getAuthenticated();
  if (!data?.slug) throw new Error("GitHub did not say the App's slug (GET /app)");
  return data.slug;
}

/**
 * The App's bot login: from APP_SLUG when the deployer set it, else asked of GitHub once. A
 * failed ask is not remembered: the work that needed it fails, is retried, and asks again.
 */
export function appLoginOnce(
  slug: string | undefined,
  appOctokit: () => Promise<GitHub>,
): () => Promise<string> {
  if (slug) return () => Promise.resolve(botLogin(slug));
  let known: Promise<string> | undefined;
  return () => {
    known ??= appOctokit()
      .then(readAppSlug)
      .then(botLogin)
      .catch((error: unknown) => {
        known = undefined;
        throw error;
      });
    return known;
  };
}

// The one way a setting (or a message that may quote one) is made fit for a log line: what can
// hold a secret is masked, the rest is kept so the line still says what is wrong (a stray
// newline, a missing scheme). It works on the text, not on a parsed URL, because the values
// that most need it are the ones that do not parse: `hooks.slack.com/services/…` without its
// scheme, a Redis URL with a newline, a password holding `@` or `/`.

const MASK = "***";

/**
 * Chat webhooks whose path is the secret: Slack (and the Slack-compatible Mattermost and
 * Rocket.Chat: `/hooks/…` on any host), Discord, Microsoft Teams (whose path also holds an `@`,
 * so its host is masked as userinfo first). What follows the prefix, up to a query or a
 * fragment, is masked.
 */
const SECRET_PATHS: RegExp[] = [
  /(hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/)[^?#]*/gi,
  /((?:discord|discordapp)\.com\/api\/(?:v\d+\/)?webhooks\/)[^?#]*/gi,
  /(\.webhook\.office\.com\/webhookb2\/|\/IncomingWebhook\/)[^?#]*/gi,
  /^((?:[a-z][a-z\d+.-]*:\/\/)?(?:\*\*\*@)?[a-z\d.-]+(?::\d+)?\/hooks\/)[^?#]*/gi,
];

/**
 * Everything between the scheme (or the start) and the last `@`: a password may hold `@`, `/`,
 * `:` or a newline, and a parser would cut it at a different `@` than the one meant. When `@`
 * also appears later (a query), more is masked than needed, never less.
 */
const USERINFO = /^([a-z][a-z\d+.-]*:\/\/)?[^]*@/i;

/** Every query value (`token=`, `key=`, Google Chat's `key` and `token`), and a fragment. */
function maskQuery(text: string): string {
  return text
    .replace(
      /\?([^#]*)/,
      (_, query: string) =>
        `?${query
          .split("&")
          .map((pair) => (pair.includes("=") ? `${pair.split("=")[0]}=${MASK}` : MASK))
          .join("&")}`,
    )
    .replace(/#[^]*$/, `#${MASK}`);
}

/**
 * A value as it may be logged: URL userinfo, webhook secrets in paths and query values masked.
 * Userinfo first: once it is masked, no later pattern can be fooled by a password's text.
 */
export function redactSecrets(value: string): string {
  let text = value.replace(USERINFO, (_, scheme: string | undefined) => `${scheme ?? ""}${MASK}@`);
  for (const pattern of SECRET_PATHS) text = text.replace(pattern, `$1${MASK}`);
  return maskQuery(text);
}

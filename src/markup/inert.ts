// Outside text (titles, bodies, comments, form answers, command arguments, logins, file contents,
// registry values an applicant wrote) written into GitHub Markdown, Slack-compatible chat or a
// terminal: shown as it was written, and acting as nothing. The one owner of that: every renderer
// puts outside text into its text through these functions, never by hand. Pure, imports nothing.
//
// Every function bounds its input first (whitespace folded to single spaces, control and
// bidirectional-override characters dropped, cut with "…"), then escapes only what would act, so
// people still read ordinary words as they were written.

/** Characters of outside text kept in one place unless the caller says otherwise. */
export const DEFAULT_MAX = 300;

const ELLIPSIS = "…";
/** A zero-width space: it breaks GitHub's mention, cross-reference and autolink patterns while
 * the text reads the same. Written as an entity in Markdown, so a reader of the source sees it. */
const ZWSP = "\u200b";
const ZWSP_ENTITY = "&#8203;";

// C0 and C1 controls (line breaks are folded before), DEL, and the bidirectional embeddings,
// overrides and isolates that make a line read other than it is.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const WHITESPACE = /\s+/g;

/** Cut at `max` UTF-16 units without splitting a surrogate pair. */
function cutAt(text: string, max: number): string {
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, Math.max(0, end));
}

/**
 * Outside text on one line: whitespace (line breaks included) folded to single spaces, invisible
 * controls dropped, at most `max` characters (a longer text ends in "…"). Nothing is escaped:
 * the other functions escape it for where it goes.
 */
export function bounded(text: string, max = DEFAULT_MAX): string {
  const limit = Math.max(1, max);
  // Folding can only shorten, so a very long text is cut before it is read at all.
  const raw = text.length > limit * 4 ? text.slice(0, limit * 4) : text;
  const line = raw.replace(WHITESPACE, " ").replace(INVISIBLE, "").trim();
  if (line.length <= limit && raw === text) return line;
  return `${cutAt(line, limit - 1).trimEnd()}${ELLIPSIS}`;
}

/**
 * A code span: the text shown exactly, monospaced, where nothing is Markdown, HTML, a link or a
 * mention. The fence is one backtick longer than the longest run of backticks inside, and a space
 * pads the text when it starts or ends with a backtick (CommonMark strips one on each side).
 */
export function codeSpan(text: string, max = DEFAULT_MAX): string {
  const line = bounded(text, max);
  if (!line) return "` `";
  const longest = (line.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(line) ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
}

// What GitHub links in plain text: a scheme's "://" (http, https, ftp, and any other for good
// measure) or "www.", up to white space or a character that ends a link in prose.
const URL_LIKE = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>()[\]{}"'`|\\]*/gi;
/** Full stops and the like after a link are prose, not the link (as GitHub reads them). */
const TRAILING = /[.,;:!?*_~]+$/;

// One pass over the text; each alternative is something that would act in GitHub's Markdown:
// a backslash that would escape what follows (or end the text); emphasis, strikethrough, code,
// link and image brackets, HTML and autolink brackets, math; an underscore that is not inside a
// word (inside one it never makes emphasis); an entity (`&#64;` would become "@").
const MARKDOWN =
  /\\(?=[!-/:-@[-`{-~]|$)|[`*~[\]<$]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])|&(?=#?[a-z0-9]+;)/giu;
// What GitHub turns into a link or a notification in text outside links and code: a mention or
// an email address, an issue reference (#12, GH-12, owner/repo#12).
const REFERENCE = /@(?=[a-z0-9])|#(?=\d)|(?<=\bgh)-(?=\d)/gi;
/** Any character or sequence that one of the passes below might escape (a superset). */
const MAY_ACT = /[\\`*_~[\]<$&@#]|:\/\/|www\.|gh-\d|^[>+\-=\d]/i;
// At the start of a line: a heading, a quote, a list item, a setext underline.
const BLOCK_START = /^(?:[#>+\-=]|\d+(?=[.)]))/;

/** Text with nothing that acts as Markdown; `atStart`: it may begin a line. */
function escapeMarkdown(text: string, atStart: boolean): string {
  const escaped = text.replace(MARKDOWN, (c) => (c === "&" ? "&amp;" : `\\${c}`));
  if (!atStart) return escaped;
  return escaped.replace(BLOCK_START, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

/** Markdown-inert text that is not inside a link: mentions and references broken too. */
const escapeProse = (text: string, atStart: boolean) =>
  escapeMarkdown(text, atStart).replace(REFERENCE, (c) =>
    c === "-" ? `${ZWSP_ENTITY}-` : `${c}${ZWSP_ENTITY}`,
  );

export interface PlainOptions {
  /** Addresses the renderer means as links (the evidence links an application gives): where the
   * text has one of them, it is an autolink, which shows where it goes. */
  links?: readonly string[];
}

/**
 * Outside text as inline Markdown (a sentence, a list item, a heading, a quote, a link's text):
 * no mention, issue reference, HTML, emphasis, image, link or autolink comes of it. Addresses
 * (https://…, www.…) are shown in code spans: exactly as written and easy to copy, but not links
 * (a zero-width space would hide in a copied address and break it).
 */
export function plainText(text: string, max = DEFAULT_MAX, options: PlainOptions = {}): string {
  const line = bounded(text, max);
  // Most names and sentences hold nothing that acts: one test instead of the passes below.
  if (!MAY_ACT.test(line)) return line;
  const meant = new Set(options.links?.filter(isLinkable));
  let out = "";
  let from = 0;
  for (const m of line.matchAll(URL_LIKE)) {
    const address = m[0].replace(TRAILING, "");
    out += escapeProse(line.slice(from, m.index), from === 0);
    out += meant.has(address) ? `<${address}>` : codeSpan(address, Infinity);
    from = m.index + address.length;
  }
  return out + escapeProse(line.slice(from), from === 0);
}

/** Markdown the app made (its own words and inert pieces) made safe inside a table cell: a `|`
 * would end the cell, even inside a code span. */
export function pipesEscaped(markdown: string): string {
  return markdown.replace(/\|/g, "\\|");
}

/** Outside text in a Markdown table cell. */
export function tableCell(text: string, max = DEFAULT_MAX): string {
  return pipesEscaped(plainText(text, max));
}

const SAFE_URL = /^https?:\/\/[^\s<>"'`\\|]+$/i;
const MAX_URL = 500;

/** Whether an address may be written as a link: http or https, short, nothing that ends it. */
export function isLinkable(url: string): boolean {
  return url.length <= MAX_URL && SAFE_URL.test(url) && URL.canParse(url);
}

/**
 * An address meant as a link (evidence an applicant gave, an issue's own address), written as an
 * autolink so it shows where it goes; anything but a plain http(s) address is a code span.
 */
export function autolink(url: string): string {
  return isLinkable(url) ? `<${url}>` : codeSpan(url, 120);
}

/**
 * A link whose text is outside text (an issue title): brackets and the rest of Markdown escaped.
 * Inside a link GitHub makes no mention, reference or second link, so those stay as written.
 * The address is written between `<` and `>`, which it cannot contain; an address that is not
 * one to link to leaves the text alone, as plain text.
 */
export function link(text: string, url: string, max = DEFAULT_MAX): string {
  if (!isLinkable(url)) return plainText(text, max);
  const label = escapeMarkdown(bounded(text, max), true);
  return label ? `[${label}](<${url}>)` : `<${url}>`;
}

// GitHub logins: letters, digits and hyphens, up to 39; a team is org/team-slug.
const LOGIN = /^[a-z\d][a-z\d-]{0,38}$/i;
const TEAM = /^[a-z\d][a-z\d-]{0,38}\/[a-z\d][a-z\d_-]{0,99}$/i;

/** A mention the app means (a login or org/team it knows): anything that is not one is shown in a
 * code span instead, so no text passed as a login can carry more. */
export function mention(login: string): string {
  return LOGIN.test(login) || TEAM.test(login) ? `@${login}` : codeSpan(login, 60);
}

/**
 * Outside text in a Slack-compatible chat message (plain text or a link's label): `&`, `<` and
 * `>` are escaped as Slack asks, which also defuses `<!channel>`, `<!here>`, `<@U…>` and
 * `<http://…|…>`; an `@` or an address is broken with a zero-width space, because Slack-compatible
 * chats that read `@channel`, `@name` and bare addresses in webhook text exist.
 */
export function chatText(text: string, max = 200): string {
  return bounded(text, max)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=\S)/g, `@${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/www\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}

/** Outside text printed to a terminal: on one line, bounded, without control characters (an
 * escape sequence could rewrite the screen). */
export function terminalText(text: string, max = DEFAULT_MAX): string {
  return bounded(text, max);
}

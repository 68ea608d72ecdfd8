// What a piece of GitHub Markdown or chat text DOES once rendered: the links, images, HTML tags,
// mentions and issue references it makes, and for chat the control sequences. Markdown is parsed
// by markdown-it (CommonMark, with GitHub's tables and strikethrough); what GitHub adds on top is
// read the way GitHub reads it, from the text outside links and code:
// - autolink literals (cmark-gfm's extension): "http://", "https://", "ftp://", "www." and
//   addresses like a@b.org, with ASCII host characters (a zero-width space ends them);
// - mentions (@login, @org/team) and issue references (#12, GH-12, owner/repo#12), which GitHub
//   makes only in text, never inside a link or code.
// It errs on the side of finding too much: a false alarm costs an escape, a miss a hijack.
import MarkdownIt from "markdown-it";
import type { Token } from "markdown-it";

const md = new MarkdownIt({ html: true, linkify: false });

export interface MarkdownEffects {
  links: { href: string; auto: boolean }[];
  images: string[];
  /** HTML tags as written; comments are counted as "<!---->". */
  html: string[];
  mentions: string[];
  references: string[];
  /** Bare addresses GitHub would link (https://…, www.…, a@b.org). */
  autolinks: string[];
}

const TAG = /<!--[\s\S]*?-->|<\/?[A-Za-z][^>]*>|<![A-Za-z][^>]*>|<\?[\s\S]*?\?>/g;
const MENTION = /(?<![A-Za-z0-9_])@([A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9][\w-]*)?)/g;
const REFERENCE = /(?<![A-Za-z0-9_])(?:[\w.-]+\/[\w.-]+)?#\d+|\bGH-\d+/gi;
// cmark-gfm links "scheme://" only when a host character follows: not a space or punctuation.
const AUTOLINK =
  /(?:https?|ftp):\/\/[^\s\p{P}!-/:-@[-`{-~][^\s<]*|www\.[A-Za-z0-9_-][^\s<]*|[A-Za-z0-9.+_-]+@[A-Za-z0-9_-]+\.[A-Za-z0-9][^\s<]*/giu;

const tagsIn = (html: string) =>
  [...html.matchAll(TAG)].map((m) => (m[0].startsWith("<!--") ? "<!---->" : m[0]));

/** The text GitHub reads for mentions, references and autolink literals: runs of text outside
 * links and code, each run on its own line (an element in between ends a run). */
function textRuns(children: readonly Token[], runs: string[]): void {
  let depth = 0;
  let run = "";
  const end = () => {
    if (run) runs.push(run);
    run = "";
  };
  for (const t of children) {
    if (t.type === "link_open") {
      depth++;
      end();
    } else if (t.type === "link_close") {
      depth--;
      end();
    } else if (t.type === "text" && depth === 0) run += t.content;
    else if (t.type === "softbreak" || t.type === "hardbreak") run += "\n";
    else end();
  }
  end();
}

export function markdownEffects(markdown: string): MarkdownEffects {
  const effects: MarkdownEffects = {
    links: [],
    images: [],
    html: [],
    mentions: [],
    references: [],
    autolinks: [],
  };
  const runs: string[] = [];
  for (const block of md.parse(markdown, {})) {
    if (block.type === "html_block") effects.html.push(...tagsIn(block.content));
    if (block.type !== "inline" || !block.children) continue;
    for (const t of block.children) {
      if (t.type === "link_open")
        effects.links.push({ href: t.attrGet("href") ?? "", auto: t.markup === "autolink" });
      if (t.type === "image") effects.images.push(t.attrGet("src") ?? "");
      if (t.type === "html_inline") effects.html.push(...tagsIn(t.content));
    }
    textRuns(block.children, runs);
  }
  for (const run of runs) {
    effects.mentions.push(...[...run.matchAll(MENTION)].map((m) => m[1]!.toLowerCase()));
    effects.references.push(...[...run.matchAll(REFERENCE)].map((m) => m[0].toLowerCase()));
    effects.autolinks.push(...[...run.matchAll(AUTOLINK)].map((m) => m[0]));
  }
  return effects;
}

/**
 * What `hostile` does that `harmless` (the same renderer on plain words) does not: every link,
 * image, tag, mention, reference or bare address it makes must be one the renderer meant.
 * `meant` are addresses the renderer shows as links on purpose (evidence an applicant gave):
 * allowed only as autolinks, which show where they go.
 */
export function unmeantEffects(
  hostile: string,
  harmless: string,
  meant: readonly string[] = [],
): string[] {
  const got = markdownEffects(hostile);
  const want = markdownEffects(harmless);
  const hrefs = new Set(want.links.map((l) => l.href));
  const normalized = new Set(meant.map((u) => md.normalizeLink(u)));
  const extra = [
    ...got.links
      .filter((l) => !hrefs.has(l.href) && !(l.auto && normalized.has(l.href)))
      .map((l) => `link ${l.href}`),
    ...got.images.map((src) => `image ${src}`),
    ...got.html.filter((tag) => !want.html.includes(tag)).map((tag) => `html ${tag}`),
    ...got.mentions.filter((m) => !want.mentions.includes(m)).map((m) => `mention @${m}`),
    ...got.references.filter((r) => !want.references.includes(r)).map((r) => `reference ${r}`),
    ...got.autolinks.map((a) => `bare address ${a}`),
  ];
  return extra;
}

export interface ChatEffects {
  /** Slack's control sequences: <url|label>, <!channel>, <@U…>, <#C…>. */
  sequences: string[];
  mentions: string[];
  addresses: string[];
}

export function chatEffects(text: string): ChatEffects {
  const sequences = [...text.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!);
  // The text around the sequences, and the labels of links, are read as text.
  const rest = text.replace(/<[^<>|]*\|([^<>]*)>/g, " $1 ").replace(/<[^<>]*>/g, " ");
  return {
    sequences,
    mentions: [...rest.matchAll(/(?<![A-Za-z0-9_])@[A-Za-z0-9]/g)].map((m) => m[0]),
    addresses: [...rest.matchAll(/(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*/gi)].map((m) => m[0]),
  };
}

/** What a chat message does that the harmless one does not: each sequence must be one of its
 * links (same address, any label), and no mention or bare address may appear. */
export function unmeantChatEffects(hostile: string, harmless: string): string[] {
  const got = chatEffects(hostile);
  const want = chatEffects(harmless);
  const addressOf = (s: string) => s.split("|")[0]!;
  const links = new Set(want.sequences.map(addressOf));
  return [
    ...got.sequences
      .filter((s) => !/^https?:/.test(s) || !links.has(addressOf(s)))
      .map((s) => `sequence <${s}>`),
    ...(got.sequences.length > want.sequences.length ? ["more links than meant"] : []),
    ...got.mentions.map((m) => `mention ${m}`),
    ...got.addresses.map((a) => `address ${a}`),
  ];
}

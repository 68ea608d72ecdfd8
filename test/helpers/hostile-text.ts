// Generated hostile text for property tests: runs of pieces that act somewhere (Markdown, HTML,
// GitHub's mentions and references, Slack's control words, addresses, entities, controls), and
// any Unicode.
import fc from "fast-check";

/** Pieces that act somewhere: Markdown, HTML, GitHub's mentions and references, Slack's words. */
export const HOSTILE_PIECES = [
  "`",
  "``",
  "```",
  "@openfoodfoundation/sysadmins",
  "@bob",
  "<!channel>",
  "<!here>",
  "<@U024BE7LH>",
  "<#C024BE7LR>",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<!-- x -->",
  "[x](http://e)",
  "![x](y)",
  "x](https://evil.example) [y",
  "<https://evil.example>",
  "<http://e|click>",
  "|",
  "\n",
  "\r\n",
  "\n\n",
  "#1",
  "GH-2",
  "o/r#3",
  "https://evil.example/a_b",
  "http://e",
  "www.evil.example",
  "a@b.org",
  "mailto:a@b.org",
  "&#64;bob",
  "&lt;b&gt;",
  "&amp;",
  "&",
  "*",
  "_",
  "__",
  "~~",
  "$x$",
  "\\",
  "\\`",
  ">",
  "# ",
  "1. ",
  "- ",
  "===",
  "    ",
  "\t",
  "\u202e",
  "\u0000",
  "\u200b",
  "é",
  "😀",
  " ",
  "words",
  ":",
  "//",
  "[",
  "]",
  "(",
  ")",
];

/** Hostile text: runs of those pieces, and any Unicode. Names of Object.prototype's members
 * ("toString", "constructor") are left out: looking an instance code up on a plain object is
 * issue 22's row 4, not a question of echoing text. */
export const hostileText = fc
  .oneof(
    fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 12 }).map((p) => p.join("")),
    fc.string({ maxLength: 80, unit: "grapheme" }),
    fc.string({ maxLength: 80, unit: "binary-ascii" }),
  )
  .filter((text) => [text, text.toLowerCase()].every((t) => !(t.trim() in Object.prototype)));

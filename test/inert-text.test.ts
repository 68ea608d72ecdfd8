// Outside text made inert (src/markup/inert.ts): in each place it can go (a code span, prose, a
// table cell, a link's text, a chat message, a terminal) it reads as written and does nothing.
// Each property parses what comes out with a CommonMark parser (test/helpers/markup-effects.ts).
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import {
  autolink,
  bounded,
  chatText,
  codeSpan,
  link,
  mention,
  plainText,
  tableCell,
  terminalText,
} from "../src/markup/inert.js";
import { hostileText } from "./helpers/hostile-text.js";
import { chatEffects, markdownEffects } from "./helpers/markup-effects.js";

const md = new MarkdownIt({ html: true, linkify: false });
const RUNS = { numRuns: 400, seed: 20261206 };

/** What a reader sees of inline Markdown: text and code, entities decoded, zero-width spaces
 * (the helper's defusers) dropped. */
function visible(markdown: string): string {
  return md
    .parseInline(markdown, {})[0]!
    .children!.map((t) => (t.type === "text" || t.type === "code_inline" ? t.content : ""))
    .join("")
    .replace(/\u200b/g, "");
}

const nothingActs = (markdown: string) => {
  const e = markdownEffects(markdown);
  return [...e.links, ...e.images, ...e.html, ...e.mentions, ...e.references, ...e.autolinks];
};

describe("outside text in a code span", () => {
  test("any text is one code span showing exactly the text (on one line, bounded)", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const tokens = md.parseInline(codeSpan(text), {})[0]!.children!;
        expect(tokens.map((t) => t.type)).toEqual(["code_inline"]);
        expect(tokens[0]!.content).toBe(bounded(text) || " ");
      }),
      RUNS,
    );
  });

  test("the fence is longer than the longest run of backticks, padded when it must be", () => {
    expect(codeSpan("a` @team ping")).toBe("``a` @team ping``");
    expect(codeSpan("``x`")).toBe("``` ``x` ```");
    expect(codeSpan("`")).toBe("`` ` ``");
  });
});

describe("outside text as plain Markdown", () => {
  test("any text reads as written and makes no link, image, HTML, mention or reference", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const markdown = plainText(text);
        expect(nothingActs(markdown)).toEqual([]);
        expect(visible(markdown)).toBe(bounded(text).replace(/\u200b/g, ""));
        expect(md.parse(markdown, {}).map((t) => t.type)).toEqual(
          markdown ? ["paragraph_open", "inline", "paragraph_close"] : [],
        );
      }),
      RUNS,
    );
  });

  test("ordinary words stay as they are: no backslash where nothing would act", () => {
    for (const words of [
      "Open Food Network UK",
      "CoopCircuits (France)",
      "review_every_months",
      "120 active hubs, 3,000 shoppers a month",
      "Katuma (Spain) — España",
    ])
      expect(plainText(words)).toBe(words);
  });

  test("an address is shown in a code span, exactly as written, unless the renderer means it", () => {
    expect(plainText("see https://evil.example/a_b.")).toBe("see `https://evil.example/a_b`.");
    expect(plainText("see www.evil.example")).toBe("see `www.evil.example`");
    expect(
      plainText("see https://x.org/a and https://y.org", 300, { links: ["https://x.org/a"] }),
    ).toBe("see <https://x.org/a> and `https://y.org`");
  });

  test("mentions, references and e-mail addresses are broken by a zero-width space", () => {
    expect(plainText("ping @openfoodfoundation/sysadmins about #12 and a@b.org")).toBe(
      "ping @&#8203;openfoodfoundation/sysadmins about #&#8203;12 and a@&#8203;b.org",
    );
  });

  test("a long text is cut, with an ellipsis, before it is escaped", () => {
    const long = `${"@a ".repeat(200)}`;
    const out = bounded(long, 50);
    expect(out).toHaveLength(50);
    expect(out.endsWith("…")).toBe(true);
    expect(visible(plainText(long, 50))).toBe(out);
  });
});

describe("outside text in a table cell", () => {
  test("a row keeps its cells whatever the text holds, and the cell reads as written", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const table = `| a | b |\n| --- | --- |\n| x | ${tableCell(text)} |`;
        expect(nothingActs(table)).toEqual([]);
        const tokens = md.parse(table, {});
        const cells = tokens.filter((t) => t.type === "td_open");
        expect(cells).toHaveLength(2);
        const last = tokens[tokens.lastIndexOf(cells[1]!) + 1]!;
        const seen = last.children!.map((t) => t.content).join("");
        expect(seen.replace(/\u200b/g, "")).toBe(bounded(text).replace(/\u200b/g, ""));
      }),
      RUNS,
    );
  });
});

describe("outside text as a link's text", () => {
  test("one link to the address meant, whose text is the text as written", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const markdown = link(text, "https://github.com/openfoodfoundation/ofn-install/issues/7");
        const effects = markdownEffects(markdown);
        expect(effects.links.map((l) => l.href)).toEqual([
          "https://github.com/openfoodfoundation/ofn-install/issues/7",
        ]);
        expect([...effects.images, ...effects.html, ...effects.mentions]).toEqual([]);
        expect([...effects.references, ...effects.autolinks]).toEqual([]);
        if (bounded(text)) expect(visible(markdown)).toBe(bounded(text).replace(/\u200b/g, ""));
      }),
      RUNS,
    );
  });

  test("an address that is not a plain http(s) one is not linked", () => {
    expect(link("x", "javascript:alert(1)")).toBe("x");
    expect(link("x", "https://e.org/a>b")).toBe("x");
    expect(autolink("https://e.org/a b")).toBe("`https://e.org/a b`");
    expect(autolink("https://example.org/pledge.pdf")).toBe("<https://example.org/pledge.pdf>");
  });
});

describe("a login meant as a mention", () => {
  test("a GitHub login or team is a mention; anything else is shown as code", () => {
    expect(mention("fr-manager")).toBe("@fr-manager");
    expect(mention("openfoodfoundation/sysadmins")).toBe("@openfoodfoundation/sysadmins");
    fc.assert(
      fc.property(hostileText, (text) => {
        const effects = markdownEffects(mention(text));
        const asLogin = /^[a-z\d][a-z\d-]{0,38}(\/[a-z\d][\w-]*)?$/i.test(text);
        expect(effects.mentions).toEqual(asLogin ? [text.toLowerCase()] : []);
        expect([...effects.links, ...effects.html, ...effects.autolinks]).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe("outside text in a Slack-compatible chat message", () => {
  test("no control sequence, mention or address, and it reads as written", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const out = chatText(text);
        const effects = chatEffects(`<https://github.com/o/r/issues/1|${out}> ${out}`);
        expect(effects.sequences).toHaveLength(1);
        expect([...effects.mentions, ...effects.addresses]).toEqual([]);
        const decoded = out
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&amp;/g, "&")
          .replace(/\u200b/g, "");
        expect(decoded).toBe(bounded(text, 200).replace(/\u200b/g, ""));
      }),
      RUNS,
    );
  });

  test("Slack's words are escaped as Slack asks", () => {
    expect(chatText("<!channel> & <@U024BE7LH>")).toBe(
      "&lt;!channel&gt; &amp; &lt;@\u200bU024BE7LH&gt;",
    );
  });
});

describe("outside text printed to a terminal", () => {
  test("one line, bounded, with no control character (no escape sequence reaches the screen)", () => {
    expect(terminalText("a\u001b[2Jb\r\nc\u202e", 48)).toBe("a[2Jb c");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const out = terminalText(text, 48);
        expect(out.length).toBeLessThanOrEqual(48);
        // eslint-disable-next-line no-control-regex -- control characters are what is looked for
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
      RUNS,
    );
  });
});

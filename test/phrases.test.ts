// Phrase matching through the word index gives the same answers as the phrase's own pattern
// (whole words, spaces and hyphens interchangeable, `*` for any ending), only faster.
import fc from "fast-check";
import { PhraseIndex, PhraseSet, phrasePattern } from "../src/triage/phrases.js";
import { fold } from "../src/triage/text.js";

/** What the phrase's regular expression says, on folded text (case, accents): the reference. */
const byPattern = (phrase: string, text: string) =>
  new RegExp(phrasePattern(phrase)).test(fold(text));

describe("phrases", () => {
  it("finds whole words and word sequences, with spaces or hyphens between", () => {
    const set = new PhraseSet(["high load", "dns", "migrat*", "e-mail"]);
    expect(set.found("High-load on the DNS server")).toEqual(["high load", "dns"]);
    expect(set.found("the server is migrating")).toEqual(["migrat*"]);
    expect(set.found("e mail bounces")).toEqual(["e-mail"]);
    expect(set.found("highload, dnssec, immigration")).toEqual([]);
    expect(set.found("high, load")).toEqual([]);
  });

  it("keeps a pattern for phrases that are not plain words", () => {
    const set = new PhraseSet(["la feria (costa rica)", "can't log in"]);
    expect([...set.found("La Feria (Costa Rica) is down; we can't log in")].sort()).toEqual([
      "can't log in",
      "la feria (costa rica)",
    ]);
  });

  it("sets sharing an index each get their own phrases from one reading of the text", () => {
    const index = new PhraseIndex();
    const outage = new PhraseSet(["down", "outage"], index);
    const email = new PhraseSet(["bounce*", "down"], index);
    expect(outage.found("Emails bounce and the site is down")).toEqual(["down"]);
    expect(email.found("Emails bounce and the site is down").slice().sort()).toEqual([
      "bounce*",
      "down",
    ]);
    expect(outage.has("all fine")).toBe(false);
  });

  it("a set added after a text was read still sees that text", () => {
    const index = new PhraseIndex();
    const first = new PhraseSet(["down"], index);
    expect(first.has("ssl expired")).toBe(false);
    const later = new PhraseSet(["ssl"], index);
    expect(later.has("ssl expired")).toBe(true);
  });

  it("agrees with the phrase's pattern on generated phrases and texts", () => {
    const word = fc.constantFrom("dns", "load", "mx", "é", "ok_go", "502", "2×", "×x", "\u037e");
    const phrase = fc
      .tuple(
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(" ", "-"),
        fc.boolean(),
      )
      .map(([words, between, prefix]) => `${words.join(between)}${prefix ? "*" : ""}`);
    // Texts made of the same words, their variants and every kind of gap between words.
    const piece = fc.oneof(
      word,
      fc.constantFrom("dnssec", "DNS", "LOAD", "Xdns", "É", "éé", "ÉÉ", "ȳ", "loads"),
      fc.constantFrom(" ", "-", " - ", "\n", "\t", "\u00a0", "\u2003", ".", ",", "_", "'", "/"),
      fc.constantFrom(" ", "-", "🔥", "(", "\u0000", "×", "\u037e", "\u212a"),
    );
    const text = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(""));
    fc.assert(
      fc.property(fc.array(phrase, { minLength: 1, maxLength: 8 }), text, (phrases, t) => {
        const found = new PhraseIndex(phrases).found(t).phrases;
        for (const p of phrases) expect([p, t, found.has(p)]).toEqual([p, t, byPattern(p, t)]);
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });
});

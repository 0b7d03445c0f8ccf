import { TweetGenerator, type TweetDraft } from "../../../../sources/generator/generator";
import type { LanguageData } from "../../../../sources/generator/languages/language-data";
import { LANGUAGE_DATA, LANGUAGES, POP_WORDS, type Language } from "../../../../sources/generator/vocabulary";

/**
 * The generator writes only words of its bundled lists: every word of a tweet's text, but for
 * hashtags, mentions, links, emoji and numbers, is a word of its language's data. The lists are
 * tokenized here on their own, not by the generator's parsing.
 */

const PUNCTUATION = /[\p{P}\p{S}\p{M}\u200d]/u;
const EDGE_PUNCTUATION = /^[\p{P}\p{S}\p{M}\u200d]+|[\p{P}\p{S}\p{M}\u200d]+$/gu;
const IS_NUMBER = /^\d+$/;
/** Text outside words in the data: list commas, line breaks and `{slot}` markers. */
const DATA_SEPARATORS = /[\s,]+|\{\w+\}/;

const dataText = (data: LanguageData): string =>
  [data.phrases, data.topics, data.moods, data.times, data.people, data.fillers, POP_WORDS.join(" ")].join("\n");

/** Spaced languages: each word as it is, lowercase and without punctuation at its edges. */
function spacedLexicon(data: LanguageData): Set<string> {
  return new Set(
    dataText(data)
      .split(DATA_SEPARATORS)
      .map((word) => word.replace(EDGE_PUNCTUATION, "").toLowerCase())
      .filter((word) => word.length > 0),
  );
}

/** Japanese: the runs of text between spaces and punctuation, which the generator joins. */
function unspacedLexicon(data: LanguageData): Set<string> {
  return new Set(
    dataText(data)
      .split(DATA_SEPARATORS)
      .flatMap((chunk) => chunk.split(PUNCTUATION))
      .map((piece) => piece.toLowerCase())
      .filter((piece) => piece.length > 0),
  );
}

/** Whether `run` is a concatenation of pieces of the lexicon. */
function segments(run: string, lexicon: ReadonlySet<string>): boolean {
  const reachable = new Array<boolean>(run.length + 1).fill(false);
  reachable[0] = true;
  for (let end = 1; end <= run.length; end++)
    for (let start = end - 1; start >= 0 && !reachable[end]; start--)
      reachable[end] = reachable[start] === true && lexicon.has(run.slice(start, end));
  return reachable[run.length] === true;
}

/** The text's own words: no mentions, hashtags, links, emoji-only or number tokens. */
function wordsOf(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((token) => !/^(@|#|https?:\/\/)/.test(token))
    .map((token) => token.replace(EDGE_PUNCTUATION, "").toLowerCase())
    .filter((token) => token.length > 0 && !IS_NUMBER.test(token));
}

/** An original's own text: a retweet carries its original in full, as its text is cut at 280. */
const ownText = (draft: TweetDraft): string =>
  draft.text.startsWith("RT @") ? (draft.referenced[0]?.text ?? "") : draft.text;

function unknownWords(drafts: readonly TweetDraft[], language: Language): string[] {
  const data = LANGUAGE_DATA[language];
  const unknown = new Set<string>();
  if (language === "ja") {
    const lexicon = unspacedLexicon(data);
    for (const draft of drafts)
      for (const word of wordsOf(ownText(draft)))
        for (const run of word.split(PUNCTUATION))
          if (run.length > 0 && !IS_NUMBER.test(run) && !segments(run, lexicon)) unknown.add(run);
  } else {
    const lexicon = spacedLexicon(data);
    for (const draft of drafts) for (const word of wordsOf(ownText(draft))) if (!lexicon.has(word)) unknown.add(word);
  }
  return [...unknown];
}

describe("the generator's words", () => {
  const drafts = [3, 11].flatMap((seed) => {
    const generator = new TweetGenerator({ rate: 0, seed });
    return Array.from({ length: 15_000 }, (_, index) => generator.draftAt(index));
  });

  it.each(LANGUAGES)("are all in the bundled lists of %s", (language) => {
    const ofLanguage = drafts.filter((draft) => draft.lang === language);
    expect(ofLanguage.length).toBeGreaterThan(500);
    expect(unknownWords(ofLanguage, language)).toEqual([]);
  });

  it("are checked word by word: an invented word is caught", () => {
    const [english] = drafts.filter((draft) => draft.lang === "en" && !draft.text.startsWith("RT @"));
    expect(english).toBeDefined();
    if (english === undefined) return;
    expect(unknownWords([{ ...english, text: `${english.text} wardbofotu` }], "en")).toEqual(["wardbofotu"]);
    expect(unknownWords([{ ...english, lang: "ja", text: "今日はヌヘキガ楽しかった" }], "ja")).toEqual([
      "今日はヌヘキガ楽しかった",
    ]);
  });

  it("read as the phrases people tweet, not as runs of words", () => {
    const english = drafts.filter((draft) => draft.lang === "en" && !draft.text.startsWith("RT @"));
    const withCommonPhrase = english.filter((draft) =>
      /\b(I love|can't wait|good morning|good night|so proud of|thank you)\b/i.test(draft.text),
    );
    expect(withCommonPhrase.length / english.length).toBeGreaterThan(0.05);
  });
});

import { english } from "./languages/en";
import { spanish } from "./languages/es";
import { french } from "./languages/fr";
import { indonesian } from "./languages/id";
import { japanese } from "./languages/ja";
import type { LanguageData } from "./languages/language-data";
import { portuguese } from "./languages/pt";

/**
 * The generator's vocabulary: for each language real phrases with slots, and ranked lists of the
 * topics, moods, times and people that fill them (one module per language under ./languages), plus
 * the pop culture words people track (bieber, music, ...). A Zipf over the ranks gives the
 * long-tailed word frequency of a real stream. Fixed for all seeds: the seed picks the stream, not
 * the language.
 */

export const LANGUAGES = ["en", "ja", "es", "pt", "id", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Share of each language in the stream, roughly that of the public sample stream. */
export const LANGUAGE_WEIGHTS: Readonly<Record<Language, number>> = {
  en: 0.4,
  ja: 0.2,
  es: 0.14,
  pt: 0.1,
  id: 0.09,
  fr: 0.07,
};

export const LANGUAGE_DATA: Readonly<Record<Language, LanguageData>> = {
  en: english,
  ja: japanese,
  es: spanish,
  pt: portuguese,
  id: indonesian,
  fr: french,
};

/** Words people track, shared by every language; their rank sets how often they show up. */
export const POP_WORDS = (
  "music love game news video live football movie netflix kpop album concert bieber iphone anime " +
  "crypto bitcoin election weather coffee pizza summer party photo fashion nba worldcup oscars tiktok " +
  "youtube spotify taylor swift rihanna drake beyonce messi ronaldo marvel starwars pokemon minecraft " +
  "fortnite playstation xbox nintendo apple tesla nasa olympics justin selena grammys bts"
).split(" ");

/** Rank of the first pop word among a language's topics. */
const POP_FIRST_RANK = 20;

export const SLOTS = ["topic", "mood", "time", "person"] as const;
export type Slot = (typeof SLOTS)[number];

/** A phrase cut at its slots: `parts[i]`, the filler of `slots[i]`, `parts[i + 1]`, ... */
export interface Phrase {
  readonly parts: readonly string[];
  readonly slots: readonly Slot[];
}

export interface LanguageVocabulary {
  readonly language: Language;
  /** Most common first. */
  readonly phrases: readonly Phrase[];
  /** Topics by rank, most common first, the pop words among them. */
  readonly topics: readonly string[];
  /** Each topic as a link's path segment ("the-new-album"), "" when not in Latin script. */
  readonly topicSlugs: readonly string[];
  readonly moods: readonly string[];
  readonly times: readonly string[];
  /** Most tweeted first. */
  readonly people: readonly string[];
  readonly fillers: readonly string[];
  /** Hashtag texts by rank: one-word topics, then people's names run together (#taylorswift). */
  readonly tagWords: readonly string[];
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  /** Name parts in Latin script, for usernames. */
  readonly handleParts: readonly string[];
  /** Whether words are written without spaces between them. */
  readonly unspaced: boolean;
}

const words = (list: string): string[] => list.split(/\s+/).filter((word) => word.length > 0);
const items = (list: string): string[] =>
  list
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const SLOT_PATTERN = /\{(\w+)\}/g;
const isSlot = (name: string): name is Slot => (SLOTS as readonly string[]).includes(name);

export function parsePhrase(line: string): Phrase {
  const parts: string[] = [];
  const slots: Slot[] = [];
  let from = 0;
  for (const match of line.matchAll(SLOT_PATTERN)) {
    const name = match[1] ?? "";
    if (!isSlot(name)) throw new RangeError(`phrase "${line}" has an unknown slot {${name}}`);
    parts.push(line.slice(from, match.index));
    slots.push(name);
    from = match.index + match[0].length;
  }
  parts.push(line.slice(from));
  return { parts, slots };
}

/** The language's topics with the pop words spread among them from POP_FIRST_RANK on. */
function rankTopics(topics: readonly string[]): string[] {
  const ranked: string[] = [];
  const taken = new Set<string>();
  const add = (topic: string): void => {
    if (taken.has(topic)) return;
    taken.add(topic);
    ranked.push(topic);
  };
  const spacing = Math.max(2, Math.floor((topics.length - POP_FIRST_RANK) / POP_WORDS.length));
  let topicIndex = 0;
  for (const [popIndex, pop] of POP_WORDS.entries()) {
    const rank = POP_FIRST_RANK + popIndex * spacing;
    while (ranked.length < rank && topicIndex < topics.length) add(topics[topicIndex++] ?? "");
    add(pop);
  }
  while (topicIndex < topics.length) add(topics[topicIndex++] ?? "");
  return ranked;
}

/** Hashtags hold no spaces nor punctuation: one-word topics as they are, names run together. */
function tagWordsOf(topics: readonly string[], people: readonly string[]): string[] {
  const tags = topics.filter((topic) => !/[\s'’-]/.test(topic));
  for (const person of people) tags.push(person.replace(/[\s'’.-]/g, ""));
  return [...new Set(tags)];
}

function buildVocabulary(language: Language): LanguageVocabulary {
  const data = LANGUAGE_DATA[language];
  const topics = rankTopics(items(data.topics));
  const people = items(data.people);
  return {
    language,
    phrases: data.phrases
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .map(parsePhrase),
    topics,
    topicSlugs: topics.map(slugOf),
    moods: items(data.moods),
    times: items(data.times),
    people,
    fillers: items(data.fillers),
    tagWords: tagWordsOf(topics, people),
    firstNames: words(data.firstNames),
    lastNames: words(data.lastNames),
    handleParts: words(data.romanNames ?? `${data.firstNames} ${data.lastNames}`).map(toHandlePart),
    unspaced: language === "ja",
  };
}

function slugOf(topic: string): string {
  return topic
    .normalize("NFD")
    .toLowerCase()
    .replace(/\s+/g, "-")
    .replace(/[^a-z0-9-]/g, "")
    .replace(/^-+|-+$/g, "");
}

/** Lower-case ASCII letters only, as screen names allow. */
function toHandlePart(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}

let vocabularies: ReadonlyMap<Language, LanguageVocabulary> | undefined;

/** The vocabularies of all languages, built once per process (well under a ms). */
export function vocabularyOf(language: Language): LanguageVocabulary {
  vocabularies ??= new Map(LANGUAGES.map((each) => [each, buildVocabulary(each)]));
  const vocabulary = vocabularies.get(language);
  if (vocabulary === undefined) throw new RangeError(`no vocabulary for language ${language}`);
  return vocabulary;
}

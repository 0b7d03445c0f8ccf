import type { Author, SourceItem, Tweet, TweetContent } from "../../contracts/tweet";
import { Pacer } from "../pacer";
import { itemSeed, mixSeed, Random, Zipf } from "./random";
import { snowflakeAt, SnowflakeIds } from "../payloads/snowflake";
import { assertRate, assertSkip, type SourceOptions, type TweetSource } from "../source";
import {
  LANGUAGE_WEIGHTS,
  LANGUAGES,
  POP_WORDS,
  vocabularyOf,
  type Language,
  type LanguageVocabulary,
  type Phrase,
  type Slot,
} from "./vocabulary";

/**
 * The built-in source: realistic synthetic tweets, with no account and no network. The content of
 * tweet n (text, author, entities, lang, referenced tweets) depends only on the seed and n, each
 * tweet drawing from its own seeded generator, so `skip` costs nothing and a run resumed by
 * another worker continues the same stream. Ids and times come from the clock.
 */

export interface GeneratorOptions {
  /** Tweets per second; 0 or Infinity: as fast as the consumer pulls. */
  rate: number;
  seed: number;
  /** Wall clock for ids and `created_at`. */
  now?: () => number;
  /**
   * The stream's start (ms since the epoch). Given, tweet n is stamped with the time the pace puts it
   * at, `epoch + n / rate`, and an id from that time and n: the whole stream, ids included, is then
   * the same on every call, so a worker that takes a run over re-creates the very tweets it resends.
   */
  epoch?: number;
  /** The share of tweets that are edits of a tweet a little earlier in the stream (0 to 1); none when absent. */
  editShare?: number;
}

const isLanguage = (code: string): code is Language => (LANGUAGES as readonly string[]).includes(code);

/** An edit follows its original by 1 to this many tweets: X lets a post be edited for a while after it. */
const EDIT_DISTANCE = 50;
/** Salts the edits' own random stream, so that adding them changed no other tweet of a seed. */
const EDIT_SALT = 0x3d17;

/** A tweet before the clock stamps it with an id and a time. */
export type TweetDraft = Pick<Tweet, "text" | "author" | "hashtags" | "mentions" | "urls" | "lang" | "referenced">;

const TWEET_LIMIT = 280;
/** Snowflake sequence numbers in one ms. */
const SEQUENCES_PER_MS = 4096;
const AUTHOR_COUNT = 20_000;
/** Tweets that get retweeted and quoted; a few of them very often. */
const VIRAL_COUNT = 3_000;
const RETWEET_SHARE = 0.3;
const QUOTE_SHARE = 0.05;
/** Tweets of only hashtags, links or emoji, which Twitter marks `und`. */
const UNDETERMINED_SHARE = 0.03;
const LONG_TWEET_SHARE = 0.07;
const REPLY_SHARE = 0.15;
const LINK_SHARE = 0.18;
/** Viral tweets were posted in the month before this date; their ids must not depend on the clock. */
const VIRAL_EPOCH_MS = Date.UTC(2024, 0, 1);
const VIRAL_SPAN_MS = 30 * 24 * 3600 * 1000;
const VIRAL_SALT = 0x7e77ee7;

const LINK_DOMAINS = [
  "example.org",
  "example.com",
  "example.net",
  "news.example.org",
  "blog.example.com",
  "shop.example.net",
];
const EMOJI = ["😂", "❤️", "😍", "🔥", "🙏", "😭", "✨", "👍", "🎉", "😊", "💕", "🙌"];
/** Ends of statements; a question's phrase has its own "?". */
const SENTENCE_ENDS = [".", "!", "...", "!!", "."];
const UNSPACED_SENTENCE_ENDS = ["。", "！", "w", "…", "。"];
/** Japanese says in 140 characters what takes 280 in English: Twitter's limit is 140 there. */
const UNSPACED_TWEET_LIMIT = 140;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Twitter shortens a link's display form to this many characters and an ellipsis. */
const DISPLAY_URL_LENGTH = 26;

interface LanguageWorld {
  readonly vocabulary: LanguageVocabulary;
  readonly phrases: Zipf;
  readonly topics: Zipf;
  readonly people: Zipf;
  readonly tags: Zipf;
  readonly authors: readonly Author[];
  readonly popularity: Zipf;
}

/** The authors and vocabularies, fixed for every seed and built once per process. */
class World {
  private readonly languages: ReadonlyMap<Language, LanguageWorld>;
  private readonly languageCumulative: readonly number[];
  readonly popTags = new Zipf(POP_WORDS.length, 1);

  constructor() {
    const random = new Random(0xa07405);
    const handles = new Set<string>();
    let authorNumber = 0;
    const languages = new Map<Language, LanguageWorld>();
    for (const language of LANGUAGES) {
      const vocabulary = vocabularyOf(language);
      const count = Math.round(AUTHOR_COUNT * LANGUAGE_WEIGHTS[language]);
      const authors: Author[] = [];
      for (let i = 0; i < count; i++) authors.push(makeAuthor(vocabulary, random, handles, authorNumber++));
      languages.set(language, {
        vocabulary,
        // A few phrases are said very often and most now and then, as in a real stream.
        phrases: new Zipf(vocabulary.phrases.length, 0.6),
        topics: new Zipf(vocabulary.topics.length, 1),
        people: new Zipf(vocabulary.people.length, 1),
        tags: new Zipf(vocabulary.tagWords.length, 1),
        authors,
        popularity: new Zipf(authors.length, 0.8),
      });
    }
    this.languages = languages;
    let total = 0;
    this.languageCumulative = LANGUAGES.map((language) => (total += LANGUAGE_WEIGHTS[language]));
  }

  of(language: Language): LanguageWorld {
    const world = this.languages.get(language);
    if (world === undefined) throw new RangeError(`no language ${language}`);
    return world;
  }

  pickLanguage(random: Random): Language {
    const u = random.next() * (this.languageCumulative.at(-1) ?? 1);
    const index = this.languageCumulative.findIndex((bound) => u < bound);
    return LANGUAGES[index] ?? "en";
  }

  pickAuthor(random: Random, language: Language): Author {
    const world = this.of(language);
    return world.popularity.pick(random, world.authors);
  }
}

let world: World | undefined;
const theWorld = (): World => (world ??= new World());

function makeAuthor(vocabulary: LanguageVocabulary, random: Random, handles: Set<string>, number: number): Author {
  const first = random.pick(vocabulary.firstNames);
  const last = random.pick(vocabulary.lastNames);
  const name = vocabulary.unspaced ? `${last}${first}` : random.chance(0.25) ? first : `${first} ${last}`;
  let username = makeHandle(vocabulary, random).slice(0, 15);
  for (let suffix = number; handles.has(username); suffix += AUTHOR_COUNT)
    username = `${username.slice(0, 9)}${suffix}`.slice(0, 15);
  handles.add(username);
  // A bijection of the author number onto 9-digit ids: unique, but not in author order.
  const id = String(100_000_000 + ((number * 7919 + 12_345) % 900_000_000));
  return Object.freeze({ id, username, name: random.chance(0.1) ? `${name} ${random.pick(EMOJI)}` : name });
}

function makeHandle(vocabulary: LanguageVocabulary, random: Random): string {
  const first = random.pick(vocabulary.handleParts);
  const last = random.pick(vocabulary.handleParts);
  switch (random.below(5)) {
    case 0:
      return first + last;
    case 1:
      return `${first}_${last}`;
    case 2:
      return first + random.between(1, 9999);
    case 3:
      return capitalize(first) + capitalize(last) + random.between(0, 99);
    default: {
      // A fan's handle: what they tweet about, then a number (or a name where topics are not in Latin script).
      const topic = toAscii(random.pick(vocabulary.topics)) || first;
      return topic + random.pick(FAN_SUFFIXES) + (random.chance(0.5) ? random.between(1, 999) : "");
    }
  }
}

const FAN_SUFFIXES = ["", "fan", "lover", "_", "daily", "4ever", "xo"];

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
const toAscii = (word: string): string => word.normalize("NFD").replace(/[^A-Za-z0-9_]/g, "");

/**
 * Builds a tweet's text token by token, never past `limit`: the body is written under a lower
 * limit that keeps room for the hashtags and links that end the tweet.
 */
class TextWriter {
  text = "";
  private lastUnspaced = false;

  constructor(public limit = TWEET_LIMIT) {}

  fits(token: string): boolean {
    return this.text.length + 1 + token.length <= this.limit;
  }

  /**
   * Adds a word or a sentence; in an unspaced script (Japanese) it joins its neighbour without a
   * space, unless a Latin word meets it (a term of its own for the matcher).
   */
  add(token: string, unspaced = false): void {
    if (this.text.length > 0 && !(unspaced && this.lastUnspaced && !isLatin(token))) this.text += " ";
    this.text += token;
    this.lastUnspaced = unspaced && !endsLatin(token);
  }

  /** Appends punctuation to the last word. */
  attach(suffix: string): void {
    if (this.text.length + suffix.length <= this.limit) this.text += suffix;
  }
}

interface Link {
  /** What the text shows: a t.co link, as in real tweets. */
  short: string;
  expanded: string;
  display: string;
}

function shortLink(random: Random): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += BASE62.charAt(random.below(62));
  return `https://t.co/${code}`;
}

function displayUrl(expanded: string): string {
  const bare = expanded.replace(/^https?:\/\//, "");
  return bare.length > DISPLAY_URL_LENGTH ? `${bare.slice(0, DISPLAY_URL_LENGTH)}…` : bare;
}

function makeLink(random: Random, vocabulary: LanguageVocabulary, topics: Zipf): Link {
  const domain = random.pick(LINK_DOMAINS);
  const slug = vocabulary.topicSlugs[topics.sample(random)] || "post";
  const expanded = random.chance(0.5)
    ? `https://${domain}/${slug}/${random.between(1000, 999_999)}`
    : `https://${domain}/p/${shortLink(random).slice(-6)}`;
  return { short: shortLink(random), expanded, display: displayUrl(expanded) };
}

/** 0 hashtags most of the time, up to 3. */
function hashtagCount(random: Random): number {
  const u = random.next();
  return u < 0.62 ? 0 : u < 0.87 ? 1 : u < 0.96 ? 2 : 3;
}

/** How much to write: mostly one or two sentences, sometimes a long tweet of as many as fit up to a length. */
function textBudget(random: Random, unspaced: boolean): { sentences: number; length: number } {
  if (random.chance(LONG_TWEET_SHARE))
    return {
      sentences: Infinity,
      length: unspaced ? random.between(60, UNSPACED_TWEET_LIMIT) : random.between(140, TWEET_LIMIT),
    };
  const u = random.next();
  return { sentences: u < 0.45 ? 1 : u < 0.8 ? 2 : u < 0.94 ? 3 : 4, length: TWEET_LIMIT };
}

/**
 * Writes an original tweet (not a retweet) in `language`, leaving `room` characters free at the
 * end for what a quote appends.
 */
function writeOriginal(random: Random, language: Language, author: Author, room = 0): TweetDraft {
  const all = theWorld();
  const languageWorld = all.of(language);
  const { vocabulary, topics, tags } = languageWorld;
  const hashtags: string[] = [];
  const mentions: string[] = [];
  const urls: string[] = [];

  const tagTexts: string[] = [];
  for (let i = hashtagCount(random); i > 0; i--) {
    const tag = tags.pick(random, vocabulary.tagWords);
    tagTexts.push(random.chance(0.2) && !vocabulary.unspaced ? capitalize(tag) : tag);
  }
  const link = random.chance(LINK_SHARE) ? makeLink(random, vocabulary, topics) : undefined;
  const tail =
    tagTexts.reduce((sum, tag) => sum + tag.length + 2, 0) + (link === undefined ? 0 : link.short.length + 1);
  const writer = new TextWriter(TWEET_LIMIT - room - tail);

  if (random.chance(REPLY_SHARE)) {
    const mentioned = all.pickAuthor(random, language).username;
    writer.add(`@${mentioned}`);
    mentions.push(mentioned);
  }
  const budget = textBudget(random, vocabulary.unspaced);
  const ends = vocabulary.unspaced ? UNSPACED_SENTENCE_ENDS : SENTENCE_ENDS;
  let ended = true;
  for (let written = 0; written < budget.sentences && writer.text.length < budget.length; written++) {
    let sentence = writeSentence(random, languageWorld);
    if (random.chance(FILLER_SHARE)) sentence = withFiller(random, vocabulary, sentence);
    if (!vocabulary.unspaced && random.chance(0.55)) sentence = capitalize(sentence);
    if (!writer.fits(sentence)) break;
    writer.add(sentence, vocabulary.unspaced);
    ended = isEnded(sentence);
    // Japanese sentences are run together, so each one ends in a mark; elsewhere many end bare.
    if (!ended && (vocabulary.unspaced || random.chance(0.7))) {
      writer.attach(random.pick(ends));
      ended = true;
    }
    if (random.chance(0.04)) {
      const mentioned = all.pickAuthor(random, language).username;
      if (writer.fits(`@${mentioned}`)) {
        writer.add(`@${mentioned}`);
        mentions.push(mentioned);
      }
    }
  }
  if (!ended && random.chance(0.3)) writer.attach(random.pick(ends));
  const emoji = random.chance(0.15) ? random.pick(EMOJI) : undefined;
  if (emoji !== undefined && writer.fits(emoji)) writer.add(emoji);

  writer.limit = TWEET_LIMIT - room;
  // Hashtags always follow a space: Twitter does not see one glued to the word before it.
  for (const tag of tagTexts) {
    writer.add(`#${tag}`);
    hashtags.push(tag);
  }
  if (link !== undefined) {
    writer.add(link.short);
    urls.push(link.expanded, link.display);
  }
  return { text: writer.text, author, hashtags, mentions, urls, lang: language, referenced: [] };
}

// Character codes, not regexes: these run for every sentence.
const isPrintableAscii = (code: number): boolean => code >= 0x20 && code <= 0x7e;
const isLatin = (word: string): boolean => isPrintableAscii(word.charCodeAt(0));
const endsLatin = (word: string): boolean => isPrintableAscii(word.charCodeAt(word.length - 1));
const SENTENCE_MARKS = new Set([".", "!", "?", "！", "？", "。"]);
/** A sentence that already ends in punctuation of its own ("who's in?"). */
const isEnded = (sentence: string): boolean => SENTENCE_MARKS.has(sentence.charAt(sentence.length - 1));
/** Sentences that start or end with an interjection ("omg", "lol"). */
const FILLER_SHARE = 0.12;

/** One of the language's phrases, its slots filled: a topic, a mood, a time or a person. */
function writeSentence(random: Random, world: LanguageWorld): string {
  const phrase: Phrase = world.phrases.pick(random, world.vocabulary.phrases);
  const { parts, slots } = phrase;
  let text = parts[0] ?? "";
  for (let i = 0; i < slots.length; i++) {
    const filler = fillSlot(random, world, slots[i] ?? "topic");
    const next = parts[i + 1] ?? "";
    // In Japanese a Latin name stands apart, so that the matcher sees it as a word.
    if (world.vocabulary.unspaced && isLatin(filler))
      text +=
        (text === "" || text.endsWith(" ") ? "" : " ") +
        filler +
        (next === "" || next.startsWith(" ") ? "" : " ") +
        next;
    else text += filler + next;
  }
  return text;
}

function fillSlot(random: Random, world: LanguageWorld, slot: Slot): string {
  const { vocabulary } = world;
  switch (slot) {
    case "topic":
      return world.topics.pick(random, vocabulary.topics);
    case "person":
      return world.people.pick(random, vocabulary.people);
    case "mood":
      return random.pick(vocabulary.moods);
    case "time":
      return random.pick(vocabulary.times);
  }
}

/** "omg " before the sentence or " lol" after it; in Japanese "笑" and "w" join it without a space. */
function withFiller(random: Random, vocabulary: LanguageVocabulary, sentence: string): string {
  const filler = random.pick(vocabulary.fillers);
  if (vocabulary.unspaced) return endsLatin(sentence) ? `${sentence} ${filler}` : sentence + filler;
  return random.chance(0.5) ? `${filler} ${sentence}` : `${sentence} ${filler}`;
}

/** A tweet of only pop hashtags, a link or emoji: Twitter cannot tell its language. */
function writeUndetermined(random: Random): TweetDraft {
  const all = theWorld();
  const language = all.pickLanguage(random);
  const { vocabulary, topics } = all.of(language);
  const writer = new TextWriter();
  const hashtags: string[] = [];
  const urls: string[] = [];
  for (let i = random.between(1, 3); i > 0; i--) {
    const tag = all.popTags.pick(random, POP_WORDS);
    writer.add(`#${tag}`);
    hashtags.push(tag);
  }
  if (random.chance(0.5)) {
    const link = makeLink(random, vocabulary, topics);
    writer.add(link.short);
    urls.push(link.expanded, link.display);
  } else {
    writer.add(random.pick(EMOJI).repeat(random.between(1, 3)));
  }
  return {
    text: writer.text,
    author: all.pickAuthor(random, language),
    hashtags,
    mentions: [],
    urls,
    lang: "und",
    referenced: [],
  };
}

interface ViralTweet {
  readonly content: TweetContent;
  readonly lang: Language;
}

/** Retweets of `original` carry its text after "RT @author: ", cut at the limit. */
function writeRetweet(random: Random, original: ViralTweet): TweetDraft {
  const { content } = original;
  const full = `RT @${content.author.username}: ${content.text}`;
  const text = full.length > TWEET_LIMIT ? `${full.slice(0, TWEET_LIMIT - 1)}…` : full;
  return {
    text,
    author: theWorld().pickAuthor(random, original.lang),
    hashtags: [...content.hashtags],
    mentions: [content.author.username, ...content.mentions],
    urls: [...content.urls],
    lang: original.lang,
    referenced: [content],
  };
}

/** A quote: the author's own words and a link to the quoted tweet, as Twitter renders it. */
function writeQuote(random: Random, language: Language, original: ViralTweet): TweetDraft {
  const short = shortLink(random);
  const draft = writeOriginal(random, language, theWorld().pickAuthor(random, language), short.length + 1);
  const link = `https://twitter.com/${original.content.author.username}/status/${original.content.id}`;
  const writer = new TextWriter();
  writer.text = draft.text;
  writer.add(short);
  return { ...draft, text: writer.text, urls: [...draft.urls, link, displayUrl(link)], referenced: [original.content] };
}

/** The generator itself: a seed, a clock, a pace. */
export class TweetGenerator implements TweetSource {
  readonly name = "generator";
  private readonly rate: number;
  private readonly seed: number;
  private readonly ids: SnowflakeIds;
  private readonly worker: number;
  private readonly epoch: number | undefined;
  private readonly editShare: number;
  private readonly random = new Random(0);
  private readonly editRandom = new Random(0);
  /** Ids of the latest tweets without an epoch, by position: what an edit names as its original. */
  private readonly recentIds = new Map<number, string>();
  private readonly viralRandom = new Random(0);
  private readonly viral = new Map<number, ViralTweet>();
  private readonly viralPopularity = new Zipf(VIRAL_COUNT, 1);
  private lastMs = Number.NaN;
  private lastIso = "";

  constructor(options: GeneratorOptions) {
    assertRate(options.rate, "generator rate");
    if (!Number.isSafeInteger(options.seed))
      throw new RangeError(`generator seed must be a whole number, got ${options.seed}`);
    this.rate = options.rate;
    this.seed = mixSeed(options.seed >>> 0, Math.floor(options.seed / 0x1_0000_0000));
    // Generators of different seeds use different worker bits, so their ids do not collide either.
    this.worker = mixSeed(this.seed, 0x1d5);
    this.ids = new SnowflakeIds(this.worker, options.now ?? Date.now);
    this.epoch = options.epoch;
    this.editShare = options.editShare ?? 0;
    if (!(this.editShare >= 0 && this.editShare <= 1))
      throw new RangeError(`generator edit share must be from 0 to 1, got ${this.editShare}`);
  }

  async *items({ signal, skip = 0 }: SourceOptions): AsyncGenerator<SourceItem> {
    assertSkip(skip);
    const pacer = new Pacer(this.rate);
    for (let index = skip; ; index++) {
      const turn = pacer.wait(signal);
      if (turn !== true && !(await turn)) return;
      yield { kind: "tweet", tweet: this.tweetAt(index) };
    }
  }

  /**
   * Tweet `index` of this seed's stream, stamped with the next id and the current time. Some are
   * edits: a new version of an original tweet a little earlier, its text written anew, with the
   * edit history X gives (the original's id, then its own).
   */
  tweetAt(index: number): Tweet {
    const edited = this.editedAt(index);
    const draft = edited ? edited.draft : this.draftAt(index);
    const { id, ms } = this.epoch === undefined ? this.ids.next() : this.stampAt(index, this.epoch);
    if (this.epoch === undefined) this.rememberId(index, id);
    const history = edited ? { edit_history_tweet_ids: [edited.originalId, id] } : {};
    return { id, ...draft, created_at: this.isoTime(ms), ...history };
  }

  /** Tweet `index` as an edit, when the stream makes it one: its original's id and the new version. */
  private editedAt(index: number): { originalId: string; draft: TweetDraft } | null {
    const random = this.editDraw(index);
    if (!random) return null;
    const original = index - 1 - random.below(Math.min(EDIT_DISTANCE, index));
    // An edit edits an original: a tweet drawn as an edit is never one, even when it ended up plain.
    if (this.editDraw(original)) return null;
    // That draw reseeded the edits' stream: the new version's words get a seed of their own.
    random.reseed(itemSeed(this.seed ^ EDIT_SALT, index) ^ original);
    const draft = this.draftAt(original);
    // Retweets cannot be edited; nor can a tweet whose id this worker no longer knows.
    const originalId = this.epoch === undefined ? this.recentIds.get(original) : this.stampAt(original, this.epoch).id;
    if (draft.referenced.length > 0 || originalId === undefined) return null;
    const language = draft.lang && isLanguage(draft.lang) ? draft.lang : null;
    if (language === null) return null;
    return { originalId, draft: writeOriginal(random, language, draft.author) };
  }

  /** Tweet `index`'s own random stream when it is drawn to be an edit; null when it is not. */
  private editDraw(index: number): Random | null {
    if (this.editShare === 0 || index === 0) return null;
    const random = this.editRandom.reseed(itemSeed(this.seed ^ EDIT_SALT, index));
    return random.chance(this.editShare) ? random : null;
  }

  private rememberId(index: number, id: string): void {
    this.recentIds.set(index, id);
    this.recentIds.delete(index - EDIT_DISTANCE - 1);
  }

  /**
   * Tweet n's place in time, from the epoch and the pace alone. Unpaced, 4,096 tweets share a ms.
   * Tweets of one ms get distinct sequence numbers while the rate stays under 4,096,000/s.
   */
  private stampAt(index: number, epoch: number): { id: string; ms: number } {
    const paced = this.rate > 0 && Number.isFinite(this.rate);
    const offset = paced ? Math.floor((index * 1000) / this.rate) : Math.floor(index / SEQUENCES_PER_MS);
    // The first tweet of this ms: the sequence counts from it, so ids grow with n.
    const firstOfMs = paced ? Math.ceil((offset * this.rate) / 1000) : offset * SEQUENCES_PER_MS;
    return { id: snowflakeAt(epoch + offset, this.worker, Math.max(0, index - firstOfMs)), ms: epoch + offset };
  }

  /** The content of tweet `index` (0-based) of this seed's stream: the same on every call. */
  draftAt(index: number): TweetDraft {
    const random = this.random.reseed(itemSeed(this.seed, index));
    const all = theWorld();
    if (random.chance(UNDETERMINED_SHARE)) return writeUndetermined(random);
    if (random.chance(RETWEET_SHARE)) return writeRetweet(random, this.viralTweet(this.viralPopularity.sample(random)));
    const language = all.pickLanguage(random);
    if (random.chance(QUOTE_SHARE))
      return writeQuote(random, language, this.viralTweet(this.viralPopularity.sample(random)));
    return writeOriginal(random, language, all.pickAuthor(random, language));
  }

  /** Viral tweet `rank`: written once from its own seed, then shared by all who retweet it. */
  private viralTweet(rank: number): ViralTweet {
    const cached = this.viral.get(rank);
    if (cached !== undefined) return cached;
    const random = this.viralRandom.reseed(itemSeed(this.seed ^ VIRAL_SALT, rank));
    const all = theWorld();
    const language = all.pickLanguage(random);
    const draft = writeOriginal(random, language, all.pickAuthor(random, language));
    const id = snowflakeAt(VIRAL_EPOCH_MS - random.below(VIRAL_SPAN_MS), random.below(1024), random.below(4096));
    // Shared by every retweet of it: frozen so that no consumer changes it for the others.
    const content: TweetContent = Object.freeze({
      id,
      text: draft.text,
      author: draft.author,
      hashtags: draft.hashtags,
      mentions: draft.mentions,
      urls: draft.urls,
    });
    const viral = { content, lang: language };
    this.viral.set(rank, viral);
    return viral;
  }

  /** ISO time of `ms`, cached: many tweets share a ms at high rates. */
  private isoTime(ms: number): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}

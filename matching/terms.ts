import type { TweetContent } from "../contracts/tweet";

/**
 * The terms of a tweet that track phrases are compared with, following the Streaming API v1.1
 * `track` rules (developer.twitter.com, "Standard stream parameters", track):
 * - the text is split at whitespace and each word loses its leading and trailing punctuation
 *   ("matches will ignore punctuation present in the Tweet"); punctuation inside a word stays
 *   (`Twitter's` is the one term `twitter's`);
 * - a word starting with `#` or `@` is a hashtag or mention, and "punctuation is not considered to be
 *   part of a #hashtag or @mention": `@Twitter's` gives the term `twitter` only;
 * - hashtag texts, mentioned screen names and link URLs (expanded and display forms) are terms too;
 * - "URLs are considered words": a URL (or any word with a `.` or `/` inside) is one term, canonical
 *   (protocol-less form added, leading `www.` dropped, as Twitter did), and the words between its
 *   punctuation are terms as well, which is what lets `example com` match `foo.example.com/bar`
 *   and `Twitter` match `http://twitter.com`.
 * Terms are lowercased with `toLowerCase`; there is no accent folding.
 */

/** A tweet as matching sees it: its own content and the retweeted or quoted tweets it carries. */
export type MatchableTweet = TweetContent & { readonly referenced?: readonly TweetContent[] };

/**
 * Receives each term of a tweet: `source.slice(start, end)`, to be lowercased when `lowercase` is
 * true. The slice is left to the visitor so that the matcher can reject most words from their
 * `termFingerprint` without allocating or lowercasing anything. A term may be visited twice.
 */
export type TermVisitor = (source: string, start: number, end: number, lowercase: boolean) => void;

/** The lowercased terms of a tweet and of the tweets it carries. */
export function tweetTerms(tweet: MatchableTweet): Set<string> {
  const terms = new Set<string>();
  visitTweetTerms(tweet, (source, start, end, lowercase) => {
    const term = source.slice(start, end);
    terms.add(lowercase ? term.toLowerCase() : term);
  });
  return terms;
}

/** Visits every term of a tweet and of the tweets it carries, without collecting them. */
export function visitTweetTerms(tweet: MatchableTweet, visit: TermVisitor): void {
  visitContentTerms(tweet, visit);
  const referenced = tweet.referenced;
  if (referenced === undefined) return;
  for (const carried of referenced) visitContentTerms(carried, visit);
}

function visitContentTerms(content: TweetContent, visit: TermVisitor): void {
  visitTextTerms(content.text, visit);
  for (const hashtag of content.hashtags) visitWholeTerm(hashtag, visit);
  for (const mention of content.mentions) visitWholeTerm(mention, visit);
  for (const url of content.urls) {
    // A display_url cut with "…" is a prefix of its expanded_url, which is checked in full:
    // its cut last word would match phrases the link does not contain.
    if (url.endsWith("\u2026")) continue;
    visitTextTerms(url, visit);
  }
}

/** Hashtag texts and screen names are terms as they are: no `#`/`@`, no punctuation around them. */
function visitWholeTerm(name: string, visit: TermVisitor): void {
  const seen = traitsBetween(name, 0, name.length);
  if (seen & LENGTHENS) {
    const lower = name.toLowerCase();
    visit(lower, 0, lower.length, false);
  } else if (name.length > 0) {
    visit(name, 0, name.length, (seen & UPPER) !== 0);
  }
}

// ---- character traits -----------------------------------------------------------------------

/** Traits of a character, as bits, so that one table load tells all the tokenizer needs. */
const UNKNOWN = 0;
const WORD = 1;
const SPACE = 2;
/** Punctuation and symbols, stripped at word edges. */
const PUNCTUATION = 4;
/** `.` and `/`: punctuation that may make a word a URL. */
const SEPARATOR = 8;
/** Changed by lowercasing. Words without one need no `toLowerCase`, which is slow on non-Latin-1 text. */
const UPPER = 16;
/** Lowercased into more code units (only `İ`, into `i̇`): its word is lowercased before anything else. */
const LENGTHENS = 32;

const SPACE_PATTERN = /\s/;
/** Punctuation and symbols (emoji included) are stripped at word edges; `_` belongs to names. */
const PUNCTUATION_PATTERN = /(?!_)[\p{P}\p{S}]/u;
/** Invisible parts of emoji sequences, so that `twitter❤️` (heart + U+FE0F) strips to `twitter`. */
const EMOJI_JOINERS = new Set([0x200d, 0xfe0e, 0xfe0f, 0x20e3]);
/** Tweets use it between words. */
const ZERO_WIDTH_SPACE = 0x200b;
const DOT = 0x2e;
const SLASH = 0x2f;

function traitsOf(codePoint: number): number {
  if (codePoint === DOT || codePoint === SLASH) return PUNCTUATION | SEPARATOR;
  const char = String.fromCodePoint(codePoint);
  if (codePoint === ZERO_WIDTH_SPACE || SPACE_PATTERN.test(char)) return SPACE;
  if (EMOJI_JOINERS.has(codePoint) || (codePoint >= 0xe0020 && codePoint <= 0xe007f)) return PUNCTUATION;
  const lower = char.toLowerCase();
  const casing = lower === char ? 0 : lower.length > char.length ? UPPER | LENGTHENS : UPPER;
  return (PUNCTUATION_PATTERN.test(char) ? PUNCTUATION : WORD) | casing;
}

/**
 * Traits of each BMP code unit: ASCII up front, the rest on first sight, so the regexes run once per
 * distinct character, never per word. Surrogates are word characters that may need lowercasing;
 * at word edges, pairs are classified as code points.
 */
const bmpTraits = new Uint8Array(0x10000);
for (let code = 0; code < 0x80; code++) bmpTraits[code] = traitsOf(code);
bmpTraits.fill(WORD | UPPER, 0xd800, 0xe000);
const astralTraits = new Map<number, number>();

function bmpTraitsOf(code: number): number {
  const known = bmpTraits[code] ?? UNKNOWN;
  return known !== UNKNOWN ? known : learnBmpTraits(code);
}

function learnBmpTraits(code: number): number {
  const learnt = traitsOf(code);
  bmpTraits[code] = learnt;
  return learnt;
}

function astralTraitsOf(codePoint: number): number {
  let known = astralTraits.get(codePoint);
  if (known === undefined) {
    known = traitsOf(codePoint);
    astralTraits.set(codePoint, known);
  }
  return known;
}

/** The union of the traits of `s[start, end)`. */
function traitsBetween(s: string, start: number, end: number): number {
  let seen = 0;
  for (let i = start; i < end; i++) seen |= bmpTraitsOf(s.charCodeAt(i));
  return seen;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Code units taken by the character at `i`: 2 for a surrogate pair, else 1. */
function widthAt(s: string, i: number, end: number): number {
  return isHighSurrogate(s.charCodeAt(i)) && i + 1 < end && isLowSurrogate(s.charCodeAt(i + 1)) ? 2 : 1;
}

/** Width of the punctuation character starting at `i`, or 0 when it is not punctuation. */
function punctuationWidthAt(s: string, i: number, end: number): number {
  const code = s.charCodeAt(i);
  if (!isHighSurrogate(code) || i + 1 >= end || !isLowSurrogate(s.charCodeAt(i + 1))) {
    return bmpTraitsOf(code) & PUNCTUATION ? 1 : 0;
  }
  return astralTraitsOf(s.codePointAt(i) ?? 0) & PUNCTUATION ? 2 : 0;
}

/** Width of the punctuation character ending just before `end`, or 0 when it is not punctuation. */
function punctuationWidthBefore(s: string, start: number, end: number): number {
  const last = s.charCodeAt(end - 1);
  if (isLowSurrogate(last) && end - 2 >= start && isHighSurrogate(s.charCodeAt(end - 2))) {
    return astralTraitsOf(s.codePointAt(end - 2) ?? 0) & PUNCTUATION ? 2 : 0;
  }
  return bmpTraitsOf(last) & PUNCTUATION ? 1 : 0;
}

// ---- fingerprints ---------------------------------------------------------------------------

/**
 * Each code unit folded so that it and its lowercase agree: its lowercase, then the lowercase of
 * that one's uppercase when single, which makes final `ς` and `σ` one (but keeps `ß`, whose
 * uppercase is `SS`). Surrogates share one bucket, as astral case pairs differ in their low unit.
 * 0 means not learnt yet.
 */
const folds = new Uint16Array(0x10000);
const SURROGATE_BUCKET = 0xd800;

function foldOf(code: number): number {
  const known = folds[code] ?? 0;
  return known !== 0 ? known : learnFold(code);
}

function learnFold(code: number): number {
  let fold = SURROGATE_BUCKET;
  if (code < 0xd800 || code > 0xdfff) {
    const lower = String.fromCharCode(code).toLowerCase().charAt(0);
    const upper = lower.toUpperCase();
    fold = (upper.length === 1 ? upper.toLowerCase() : lower).charCodeAt(0);
  }
  folds[code] = fold;
  return fold;
}

/**
 * A 16-bit fingerprint of a term from its length and folded edge units: equal for a visited range
 * and for its lowercase, as visited ranges never hold `İ`, the one character lowercasing lengthens.
 * A tweet term whose fingerprint no track term has cannot be a track term.
 */
export function termFingerprint(source: string, start: number, end: number): number {
  return (
    (((end - start) & 63) << 10) |
    ((foldOf(source.charCodeAt(start)) & 31) << 5) |
    (foldOf(source.charCodeAt(end - 1)) & 31)
  );
}

// ---- words ----------------------------------------------------------------------------------

const HASH = 0x23;
const AT = 0x40;
const FULLWIDTH_HASH = 0xff03;
const FULLWIDTH_AT = 0xff20;

const isSigil = (code: number): boolean =>
  code === HASH || code === AT || code === FULLWIDTH_HASH || code === FULLWIDTH_AT;

/**
 * Visits the terms of a free text, cut at whitespace with a char loop that also gathers each word's
 * traits. (Faster here than the native `split`, and than lowercasing whole texts.)
 */
export function visitTextTerms(text: string, visit: TermVisitor): void {
  const length = text.length;
  let i = 0;
  while (i < length) {
    if (bmpTraitsOf(text.charCodeAt(i)) & SPACE) {
      i++;
      continue;
    }
    const start = i;
    let seen = 0;
    for (; i < length; i++) {
      const traits = bmpTraitsOf(text.charCodeAt(i));
      if (traits & SPACE) break;
      seen |= traits;
    }
    visitWord(text, start, i, seen, visit);
  }
}

/**
 * One whitespace-separated word `s[start, end)` whose characters have the traits `seen`.
 * URL-like words and words that lowercasing lengthens are lowercased first, so that what follows
 * needs no case-insensitive comparisons and keeps lengths; other words are lowercased by the visitor,
 * if at all.
 */
function visitWord(s: string, start: number, end: number, seen: number, visit: TermVisitor): void {
  const mayBeUrl = (seen & SEPARATOR) !== 0;
  if (seen & LENGTHENS || (mayBeUrl && seen & UPPER)) {
    const lower = s.slice(start, end).toLowerCase();
    visitCasedWord(lower, 0, lower.length, mayBeUrl, false, visit);
  } else {
    visitCasedWord(s, start, end, mayBeUrl, (seen & UPPER) !== 0, visit);
  }
}

/** A word stripped of punctuation at its edges, then a name, a URL or a plain term. It is lowercase unless `upper`. */
function visitCasedWord(
  s: string,
  start: number,
  end: number,
  mayBeUrl: boolean,
  upper: boolean,
  visit: TermVisitor,
): void {
  let first = start;
  let sigil = false;
  while (first < end) {
    const width = punctuationWidthAt(s, first, end);
    if (width === 0) break;
    sigil = width === 1 && isSigil(s.charCodeAt(first));
    first += width;
  }
  if (first >= end) return;
  if (sigil) {
    visitName(s, first, end, upper, visit);
    return;
  }
  let last = end;
  while (last > first) {
    const width = punctuationWidthBefore(s, first, last);
    if (width === 0) break;
    last -= width;
  }
  if (mayBeUrl && holdsSeparator(s, first, last)) visitUrlTerms(s, first, last, visit);
  else visit(s, first, last, upper);
}

function holdsSeparator(s: string, first: number, last: number): boolean {
  for (let i = first; i < last; i++) {
    if (bmpTraitsOf(s.charCodeAt(i)) & SEPARATOR) return true;
  }
  return false;
}

/** A `#hashtag` or `@mention` in the text ends at its first punctuation (`@twitter's` is `twitter`). */
function visitName(s: string, first: number, end: number, upper: boolean, visit: TermVisitor): void {
  let last = first;
  while (last < end && punctuationWidthAt(s, last, end) === 0) last += widthAt(s, last, end);
  if (last > first) visit(s, first, last, upper);
}

const HTTPS = "https://";
const HTTP = "http://";
const WWW = "www.";
const TCO = "t.co/";

/** Does `s[from, last)` start with `prefix`? */
const startsWithin = (s: string, prefix: string, from: number, last: number): boolean =>
  from + prefix.length <= last && s.startsWith(prefix, from);

/**
 * A lowercase URL-like word `s[first, last)`: one term in canonical form, plus the words between
 * its punctuation. The doc's rules: "the entire domain and path must be included in the track query"
 * for the URL term to match; "display_url does not contain a protocol, so this is not required";
 * Twitter "canonicalizes the domain www.example.com to example.com", so the track
 * `www.example.com/foobarbaz` matches nothing; and `example com` matches any mention of the
 * domain, subdomains and paths included.
 */
function visitUrlTerms(s: string, first: number, last: number, visit: TermVisitor): void {
  const scheme = startsWithin(s, HTTPS, first, last) ? HTTPS : startsWithin(s, HTTP, first, last) ? HTTP : "";
  let address = first + scheme.length;
  // t.co links in the text are Twitter's wrappers; the tweet's urls carry the links they stand for.
  if (scheme !== "" && isTcoWrapper(s, address, last)) return;
  const www = startsWithin(s, WWW, address, last);
  if (www) address += WWW.length;
  if (address >= last) return;
  if (scheme !== "" && www) {
    const canonical = scheme + s.slice(address, last);
    visit(canonical, 0, canonical.length, false);
  } else if (scheme !== "") {
    visit(s, first, last, false);
  }
  visit(s, address, last, false);
  visitUrlParts(s, address, last, visit);
}

/** `t.co/…`, or what is left of it when a retweet's text was cut with "…". */
function isTcoWrapper(s: string, address: number, last: number): boolean {
  const length = last - address;
  return length >= TCO.length ? s.startsWith(TCO, address) : s.slice(address, last) === TCO.slice(0, length);
}

/** The words of a URL: `foo.example.com/bar` gives `foo`, `example`, `com`, `bar`. */
function visitUrlParts(s: string, address: number, last: number, visit: TermVisitor): void {
  let partStart = address;
  let i = address;
  while (i < last) {
    const width = punctuationWidthAt(s, i, last);
    if (width === 0) {
      i += widthAt(s, i, last);
      continue;
    }
    if (i > partStart) visit(s, partStart, i, false);
    i += width;
    partStart = i;
  }
  if (last > partStart) visit(s, partStart, last, false);
}

/**
 * X's tokenization of a post's text, which keywords, phrases and `url:` are matched against
 * (X API v2 operators, "keyword": "Tokenization splits words based on punctuation, symbols, and
 * Unicode basic plane separator characters"; "I like coca-cola" gives I, like, coca, cola):
 * - separators and punctuation end a token and are dropped, so `#love` in a text is the token `love`
 *   and `don't` is `don`, `t`; `_` is kept inside words, as in names;
 * - a symbol (an emoji, `$`, `+`) is a token of its own, as "I like 🍕" gives I, like, 🍕, with what
 *   joins it (skin tones, zero-width joiners, keycaps); variation selectors are dropped, so ❤️ and ❤
 *   are one token;
 * - each Han, Hiragana and Katakana character is a token, as these scripts put no space between
 *   words: the keyword 寿司 is then the phrase 寿 司, which matches it inside 寿司が好き;
 * - tokens are lowercased with `toLowerCase`; accents stay ("diacrítica" is not "diacritica").
 * Rules and texts go through the same function, so a keyword matches what the text holds.
 */

const WORD = 1;
/** Separators, punctuation and controls: end a token, are dropped. */
const BREAK = 2;
/** Symbols and ideographs: a token each. */
const SELF = 3;
/** Variation selectors: dropped, without ending a token. */
const IGNORED = 4;
/** Skin tones, keycaps and emoji tags: part of the symbol before them. */
const MODIFIER = 5;
/** The zero-width joiner: joins the symbols on either side into one token. */
const JOINER = 6;
const UNKNOWN = 0;

const ZERO_WIDTH_JOINER = 0x200d;
const ZERO_WIDTH_SPACE = 0x200b;
const UNDERSCORE = 0x5f;

const SEPARATOR_PATTERN = /[\s\p{Z}\p{Cc}\p{Cf}]/u;
const PUNCTUATION_PATTERN = /\p{P}/u;
const SYMBOL_PATTERN = /\p{S}/u;
const IDEOGRAPH_PATTERN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function classify(codePoint: number): number {
  if (codePoint === 0xfe0e || codePoint === 0xfe0f) return IGNORED;
  if (codePoint === ZERO_WIDTH_JOINER) return JOINER;
  if ((codePoint >= 0x1f3fb && codePoint <= 0x1f3ff) || codePoint === 0x20e3) return MODIFIER;
  if (codePoint >= 0xe0020 && codePoint <= 0xe007f) return MODIFIER;
  if (codePoint === UNDERSCORE) return WORD;
  const char = String.fromCodePoint(codePoint);
  if (codePoint === ZERO_WIDTH_SPACE || SEPARATOR_PATTERN.test(char) || PUNCTUATION_PATTERN.test(char)) return BREAK;
  if (SYMBOL_PATTERN.test(char) || IDEOGRAPH_PATTERN.test(char)) return SELF;
  return WORD;
}

/** Classes of BMP code points, learnt on first sight so each pattern runs once per character, never per text. */
const bmpClasses = new Uint8Array(0x10000);
const astralClasses = new Map<number, number>();

function classOf(codePoint: number): number {
  if (codePoint < 0x10000) {
    const known = bmpClasses[codePoint] ?? UNKNOWN;
    if (known !== UNKNOWN) return known;
    const learnt = classify(codePoint);
    bmpClasses[codePoint] = learnt;
    return learnt;
  }
  let known = astralClasses.get(codePoint);
  if (known === undefined) {
    known = classify(codePoint);
    astralClasses.set(codePoint, known);
  }
  return known;
}

const widthOf = (codePoint: number): number => (codePoint > 0xffff ? 2 : 1);

/** The lowercased tokens of a text, in order. */
export function textTokens(text: string): string[] {
  const lower = text.toLowerCase();
  const tokens: string[] = [];
  let wordStart = -1;
  let index = 0;
  while (index < lower.length) {
    const codePoint = lower.codePointAt(index) ?? 0;
    const kind = classOf(codePoint);
    if (kind === WORD) {
      if (wordStart < 0) wordStart = index;
      index += widthOf(codePoint);
      continue;
    }
    if (wordStart >= 0) tokens.push(lower.slice(wordStart, index));
    wordStart = -1;
    if (kind === SELF) {
      index = readSymbol(lower, index, tokens);
      continue;
    }
    index += widthOf(codePoint);
  }
  if (wordStart >= 0) tokens.push(lower.slice(wordStart));
  return tokens;
}

/** A symbol with its modifiers and joined symbols, pushed as one token; returns the index after it. */
function readSymbol(text: string, start: number, tokens: string[]): number {
  let token = "";
  let index = start;
  let joinNext = true;
  while (index < text.length) {
    const codePoint = text.codePointAt(index) ?? 0;
    const kind = classOf(codePoint);
    if (kind === SELF && joinNext) {
      joinNext = false;
    } else if (kind === JOINER) {
      joinNext = true;
    } else if (kind !== MODIFIER && kind !== IGNORED) {
      break;
    }
    if (kind !== IGNORED) token += String.fromCodePoint(codePoint);
    index += widthOf(codePoint);
  }
  if (token !== "") tokens.push(token);
  return index;
}

/** Whether a character ends tokens and is dropped: a rule's bare keyword may not start with one. */
export function isPunctuationOrSeparator(codePoint: number): boolean {
  return classOf(codePoint) === BREAK;
}

/**
 * The words a tweet is searched by, one tokenizer for all three places that must agree: the archive
 * stores a tweet's words (as PostgreSQL's `simple` text search configuration reads them back), a
 * search's terms are split the same way, and `/stream?search=` matches live tweets with them.
 *
 * Why not a language's stemming configuration: a stream mixes every language X has, and a tweet's
 * `lang` is often `und` or wrong. `simple` lower-cases and keeps every word, so a search finds the
 * words as written in any language. Scripts written without spaces (Chinese, Japanese) are split
 * into characters: a word of them is searched as a phrase of its characters, which finds it wherever
 * it appears. Links are left out: their domains are a field of their own.
 */

const LINK = /https?:\/\/\S+/gu;
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
/**
 * A letter or digit of a script written without spaces with its marks, or a run of letters, digits and
 * marks of any other that starts with a letter or digit. PostgreSQL's parser reads a word so: a mark
 * after punctuation (`´` is a space and a mark in NFKC, an emoji's variation selector) and a number
 * that is no digit (`➊`) are not words to it, and `_` splits one.
 */
const WORD = new RegExp(
  String.raw`(?=[${CJK}])[\p{Alphabetic}\p{Nd}]\p{M}*|(?![${CJK}])[\p{Alphabetic}\p{Nd}](?:(?![${CJK}])[\p{Alphabetic}\p{Nd}\p{M}])*`,
  "gu",
);

/** Digits, `e` and digits at a word's start: PostgreSQL's parser reads them as a number of their own (`4e2`). */
const EXPONENT = /^[0-9]+e[0-9]+(?=[^0-9])/u;
/** PostgreSQL leaves out a word of more bytes ("word is too long to be indexed"). */
const MAX_WORD_BYTES = 2047;

/** A text's words, lower-cased, in order. */
export function searchWords(text: string): string[] {
  const words = text.normalize("NFKC").toLowerCase().replace(LINK, " ").match(WORD) ?? [];
  return words.flatMap(asPostgresReads);
}

function asPostgresReads(word: string): string[] {
  // A UTF-16 unit is at most 3 bytes of UTF-8: only a long word can be too long.
  if (word.length * 3 > MAX_WORD_BYTES && Buffer.byteLength(word, "utf8") > MAX_WORD_BYTES) return [];
  const number = EXPONENT.exec(word)?.[0];
  if (number === undefined) return [word];
  // What follows the number is a word of its own, which no mark starts.
  const rest = word.slice(number.length).replace(/^\p{M}+/u, "");
  return rest === "" ? [number] : [number, rest];
}

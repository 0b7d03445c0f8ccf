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
/** One character of a script written without spaces, or a run of letters, digits and marks of any other. */
const WORD =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}\p{M}])+/gu;

/** A text's words, lower-cased, in order. */
export function searchWords(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().replace(LINK, " ").match(WORD) ?? [];
}

import { throwFieldErrors } from "../../contracts/validation";
import { searchWords } from "./words";

/**
 * The archive's search syntax, one parser for `/search?q=` and `/stream?search=`:
 *
 *   final           a word (any case, any language)
 *   "world cup"     a phrase: these words next to each other, in this order
 *   -offside        not this word; `-"own goal"` not this phrase
 *
 * Terms are separated by spaces and all must hold. A word written with punctuation inside
 * (`don't`, `e-mail`) is the phrase of its words, as the archive stores it.
 */

/** One term: its words, searched next to each other; `exclude` for a `-` term. */
export interface SearchTerm {
  words: string[];
  exclude: boolean;
}

export interface SearchQuery {
  /** The query as given, for answers and logs. */
  text: string;
  terms: SearchTerm[];
}

export const SEARCH_LIMITS = { length: 500, terms: 16 } as const;

/** `q` could not be read: `position` is the 0-based character where the reader stopped. */
export class SearchSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(`at ${position}: ${reason}`);
    this.name = "SearchSyntaxError";
  }
}

/** Reads a query; throws SearchSyntaxError naming where and why it cannot be read. */
export function parseSearch(text: string): SearchQuery {
  if (text.length > SEARCH_LIMITS.length)
    throw new SearchSyntaxError(SEARCH_LIMITS.length, `a search is at most ${SEARCH_LIMITS.length} characters`);
  const terms: SearchTerm[] = [];
  let at = 0;
  while (at < text.length) {
    if (/\s/u.test(text.charAt(at))) {
      at++;
      continue;
    }
    const start = at;
    const exclude = text.charAt(at) === "-";
    if (exclude) at++;
    let written: string;
    if (text.charAt(at) === '"') {
      const close = text.indexOf('"', at + 1);
      if (close < 0) throw new SearchSyntaxError(at, 'a phrase opened with " is not closed');
      written = text.slice(at + 1, close);
      at = close + 1;
      if (at < text.length && !/\s/u.test(text.charAt(at)))
        throw new SearchSyntaxError(at, "a closing quote must be followed by a space or the end");
    } else {
      const end = text.slice(at).search(/\s/u);
      written = end < 0 ? text.slice(at) : text.slice(at, at + end);
      at += written.length;
      const quote = written.indexOf('"');
      if (quote >= 0) throw new SearchSyntaxError(at - written.length + quote, 'a " may only open or close a phrase');
    }
    const words = searchWords(written);
    if (words.length === 0)
      throw new SearchSyntaxError(
        start,
        exclude && written === ""
          ? "a - must be followed by a word or a phrase"
          : "a term must hold a letter or a digit",
      );
    terms.push({ words, exclude });
    if (terms.length > SEARCH_LIMITS.terms)
      throw new SearchSyntaxError(start, `a search has at most ${SEARCH_LIMITS.terms} terms`);
  }
  if (terms.length === 0) throw new SearchSyntaxError(0, "a search needs a word or a phrase");
  if (terms.every((term) => term.exclude))
    throw new SearchSyntaxError(0, "a search needs a word or a phrase to find: - terms only leave tweets out");
  return { text, terms };
}

/** Whether a text's words (searchWords) satisfy a query: the live side of the archive's search. */
export function matchesSearch(query: SearchQuery, words: readonly string[]): boolean {
  return query.terms.every((term) => holdsPhrase(words, term.words) !== term.exclude);
}

function holdsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  const first = phrase[0];
  for (let at = words.indexOf(first ?? ""); at >= 0 && at + phrase.length <= words.length;) {
    if (phrase.every((word, offset) => words[at + offset] === word)) return true;
    at = words.indexOf(first ?? "", at + 1);
  }
  return false;
}

/** Reads the search of param `field`; an unreadable one is a 422 naming the field, where and why. */
export function readSearch(field: string, text: string): SearchQuery {
  try {
    return parseSearch(text);
  } catch (error) {
    if (!(error instanceof SearchSyntaxError)) throw error;
    return throwFieldErrors([
      { field, rule: "search_syntax", message: `cannot be read at character ${error.position + 1}: ${error.reason}` },
    ]);
  }
}

/**
 * What the generator writes a language with: real words and phrases only, lists as plain text so
 * that a language reads as a page of data. The generator parses them once per process.
 */
export interface LanguageData {
  /**
   * Sentences as people tweet them, one a line, the most common first. `{topic}`, `{mood}`, `{time}`
   * and `{person}` are filled from the lists below, so a few dozen lines give many sentences.
   */
  readonly phrases: string;
  /** Nouns people tweet about, comma-separated, the most common first: a Zipf over them gives the long tail. */
  readonly topics: string;
  /** How people feel, comma-separated: what follows "so" or "I'm". */
  readonly moods: string;
  /** When, comma-separated: "tonight", "this weekend". */
  readonly times: string;
  /** Whom people tweet about, comma-separated, the most tweeted first. */
  readonly people: string;
  /** Interjections that start or end a sentence ("lol", "omg"), comma-separated. */
  readonly fillers: string;
  readonly firstNames: string;
  readonly lastNames: string;
  /** Name parts in Latin script for usernames, when names are written in another script. */
  readonly romanNames?: string;
}

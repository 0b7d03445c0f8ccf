/**
 * What a v1.1 message's own raw fields say of the simple rule operators, read without the payload
 * mapping or the evaluator: the reference that rule tests hold them to.
 */

type Json = Record<string, unknown>;

export const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null ? (value as Json)[name] : undefined;

const nonEmpty = (value: unknown): boolean => Array.isArray(value) && value.length > 0;

/** A v1.1 status's links: its (extended) entities' urls and media. */
function hasLinks(status: unknown): boolean {
  const entities = field(field(status, "extended_tweet"), "entities") ?? field(status, "entities");
  return nonEmpty(field(entities, "urls")) || nonEmpty(field(entities, "media"));
}

export interface RawV1Facts {
  id: string;
  authorId: string;
  /** As the message spells it; `from:` compares it without case. */
  username: string;
  lang: string | null;
  retweet: boolean;
  /** Links in the tweet or in a post it carries (retweeted, quoted, the retweeted one's quote), as X matches has:links. */
  links: boolean;
}

export function rawV1Facts(message: unknown): RawV1Facts {
  const retweeted = field(message, "retweeted_status");
  const carried = [message, retweeted, field(message, "quoted_status"), field(retweeted, "quoted_status")];
  const user = field(message, "user");
  const lang = field(message, "lang");
  return {
    id: String(field(message, "id_str")),
    authorId: String(field(user, "id_str")),
    username: String(field(user, "screen_name")),
    lang: typeof lang === "string" ? lang : null,
    retweet: !!retweeted,
    links: carried.filter((status) => !!status).some(hasLinks),
  };
}

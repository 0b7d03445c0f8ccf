import type { Tweet } from "../../contracts/tweet";
import type { Clause, HasFlag, IsFlag } from "./operators";
import { parseRule, type ParseOptions, type ParsedRule, type RuleNode } from "./syntax";
import { tweetFacts, type FactNeeds, type TweetFacts } from "./tweet-facts";

/**
 * A list of rules compiled once per run into predicates over a tweet's facts (./tweet-facts.ts),
 * which are worked out once per tweet for all the rules. Nothing is parsed, lowercased or compiled
 * per tweet beyond the tweet's own tokens.
 */

type Predicate = (facts: TweetFacts) => boolean;

export interface RuleMatcher {
  /** The parsed rules, in the order given. */
  readonly rules: readonly ParsedRule[];
  /** Indexes in `rules` of the rules the tweet matches, ascending; [] when none. */
  matches(tweet: Tweet): number[];
}

/** Whether `needle` occurs in `sequence` as consecutive tokens. */
function holdsRun(sequence: readonly string[], needle: readonly string[]): boolean {
  const [first] = needle;
  for (let start = sequence.indexOf(first ?? ""); start >= 0; start = sequence.indexOf(first ?? "", start + 1)) {
    if (start + needle.length > sequence.length) return false;
    if (needle.every((token, offset) => sequence[start + offset] === token)) return true;
  }
  return false;
}

/** A keyword of one token is a set lookup; more tokens, and phrases, must follow each other in one text or URL. */
function tokensPredicate(tokens: readonly string[]): Predicate {
  const [only] = tokens;
  if (tokens.length === 1 && only !== undefined) return (facts) => facts.tokens.has(only);
  return (facts) =>
    tokens.every((token) => facts.tokens.has(token)) && facts.sequences.some((sequence) => holdsRun(sequence, tokens));
}

/** from:, to: and retweets_of: take a username or a numeric id: either may be the value. */
const isUser = (value: string, id: string | undefined, username: string | undefined): boolean =>
  id === value || (username !== undefined && username.toLowerCase() === value);

const referencesOf = (tweet: Tweet, type: string): boolean =>
  tweet.referenced_tweets?.some((reference) => reference.type === type) ?? false;

/** The author of the tweet this one retweets, when the payload carried it. */
function retweetedAuthor(tweet: Tweet): Tweet["author"] | undefined {
  const id = tweet.referenced_tweets?.find((reference) => reference.type === "retweeted")?.id;
  return id === undefined ? undefined : tweet.referenced.find((content) => content.id === id)?.author;
}

const IS_PREDICATES: Readonly<Record<IsFlag, Predicate>> = {
  retweet: ({ tweet }) => referencesOf(tweet, "retweeted"),
  reply: (facts) => facts.isReply,
  quote: ({ tweet }) => referencesOf(tweet, "quoted"),
  verified: ({ tweet }) => tweet.author.verified === true,
  // The sources carry no promoted-only posts, so -is:nullcast removes none (parseRule allows it negated only).
  nullcast: () => false,
};

const HAS_PREDICATES: Readonly<Record<HasFlag, Predicate>> = {
  hashtags: (facts) => facts.hashtags.size > 0,
  cashtags: (facts) => facts.cashtags.size > 0,
  links: (facts) => facts.hasLinks,
  mentions: (facts) => facts.mentions.size > 0,
  media: (facts) => facts.hasMedia,
  images: ({ tweet }) => tweet.media?.includes("photo") ?? false,
  // X: "native X videos"; an animated GIF is not one.
  videos: ({ tweet }) => tweet.media?.includes("video") ?? false,
  geo: ({ tweet }) => tweet.geo !== undefined,
};

function clausePredicate(clause: Clause): Predicate {
  switch (clause.kind) {
    case "keyword":
    case "phrase":
      return tokensPredicate(clause.tokens);
    case "hashtag":
      return (facts) => facts.hashtags.has(clause.name);
    case "mention":
      return (facts) => facts.mentions.has(clause.name);
    case "cashtag":
      return (facts) => facts.cashtags.has(clause.name);
    case "from":
      return ({ tweet }) => isUser(clause.user, tweet.author.id, tweet.author.username);
    case "to":
      return ({ tweet }) => isUser(clause.user, tweet.reply_to?.user_id, tweet.reply_to?.username);
    case "retweets_of":
      return ({ tweet }) => {
        const author = retweetedAuthor(tweet);
        return author !== undefined && isUser(clause.user, author.id, author.username);
      };
    case "url":
      return (facts) => facts.urls.some((url) => holdsRun(url, clause.tokens));
    case "lang":
      return ({ tweet }) => tweet.lang?.toLowerCase() === clause.value;
    case "place_country":
      return ({ tweet }) => tweet.geo?.country_code?.toLowerCase() === clause.value;
    case "conversation_id":
      return ({ tweet }) => tweet.conversation_id === clause.value;
    case "is":
      return IS_PREDICATES[clause.flag];
    case "has":
      return HAS_PREDICATES[clause.flag];
  }
}

function nodePredicate(node: RuleNode): Predicate {
  switch (node.type) {
    case "clause":
      return clausePredicate(node.clause);
    case "not": {
      const negated = clausePredicate(node.clause.clause);
      return (facts) => !negated(facts);
    }
    case "and": {
      const terms = node.terms.map(nodePredicate);
      return (facts) => terms.every((term) => term(facts));
    }
    case "or": {
      const alternatives = node.alternatives.map(nodePredicate);
      return (facts) => alternatives.some((alternative) => alternative(facts));
    }
  }
}

function clausesOf(node: RuleNode): Clause[] {
  switch (node.type) {
    case "clause":
      return [node.clause];
    case "not":
      return [node.clause.clause];
    case "and":
      return node.terms.flatMap(clausesOf);
    case "or":
      return node.alternatives.flatMap(clausesOf);
  }
}

function factNeeds(rules: readonly ParsedRule[]): FactNeeds {
  const clauses = rules.flatMap((rule) => clausesOf(rule.root));
  return {
    sequences: clauses.some(
      (clause) => (clause.kind === "keyword" || clause.kind === "phrase") && clause.tokens.length > 1,
    ),
    urls: clauses.some((clause) => clause.kind === "url"),
  };
}

/**
 * Parses and compiles a run's rules once. Throws the first rule's RuleSyntaxError (naming the
 * rule, the position and the reason), so that nothing is compiled from a list holding a bad rule.
 */
export function compileRules(rules: readonly string[], options: ParseOptions): RuleMatcher {
  const parsed = Object.freeze(rules.map((rule) => parseRule(rule, options)));
  const predicates = parsed.map((rule) => nodePredicate(rule.root));
  const needs = factNeeds(parsed);
  return {
    rules: parsed,
    matches(tweet: Tweet): number[] {
      const facts = tweetFacts(tweet, needs);
      const matched: number[] = [];
      predicates.forEach((predicate, index) => {
        if (predicate(facts)) matched.push(index);
      });
      return matched;
    },
  };
}

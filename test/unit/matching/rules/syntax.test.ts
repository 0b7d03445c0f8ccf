import { parseRule, RuleSyntaxError, type RuleNode } from "../../../../matching/rules";

const options = { maxLength: 1024 };

/** A rule's tree written back with explicit parentheses, to check how it groups. */
function shape(node: RuleNode): string {
  switch (node.type) {
    case "clause":
      return node.written;
    case "not":
      return `-${node.clause.written}`;
    case "and":
      return `(${node.terms.map(shape).join(" ")})`;
    case "or":
      return `(${node.alternatives.map(shape).join(" OR ")})`;
  }
}

function errorOf(rule: string, maxLength = 1024): { position: number; reason: string } {
  try {
    parseRule(rule, { maxLength });
  } catch (error) {
    if (!(error instanceof RuleSyntaxError)) throw error;
    expect(error.rule).toBe(rule);
    return { position: error.position, reason: error.reason };
  }
  throw new Error(`"${rule}" parsed`);
}

describe("parseRule: X's precedence, AND before OR", () => {
  it.each([
    ["a b OR c", "((a b) OR c)"],
    ["apple OR iphone ipad", "(apple OR (iphone ipad))"],
    ["ipad iphone OR android", "((ipad iphone) OR android)"],
    ["(apple OR iphone) ipad", "((apple OR iphone) ipad)"],
    ["iphone (ipad OR android)", "(iphone (ipad OR android))"],
    ["(grumpy cat) OR (#meme has:images)", "((grumpy cat) OR (#meme has:images))"],
    ["cat #meme -grumpy", "(cat #meme -grumpy)"],
    ['url:"https://developer.x.com" from:XDevelopers', '(url:"https://developer.x.com" from:XDevelopers)'],
    ['"Toys \\"R\\" Us" toys', '("Toys \\"R\\" Us" toys)'],
    ["cat or dog", "(cat or dog)"],
  ])("%s is %s", (rule, expected) => {
    expect(shape(parseRule(rule, options).root)).toBe(expected);
  });

  it("gives each node its 1-based position, counting characters as X does", () => {
    const root = parseRule("🍕 OR -is:retweet cat", options).root;
    expect(root.type === "or" && root.alternatives.map((node) => node.position)).toEqual([1, 6]);
  });
});

describe("parseRule accepts every rule of X's Build a rule and operators pages", () => {
  it.each([
    "#xapiv2",
    '"X data" has:mentions (has:media OR has:links)',
    "snow day #NoSchool",
    "grumpy OR cat OR #meme",
    "cat #meme -grumpy",
    "(grumpy cat) OR (#meme has:images)",
    "skiing -snow -day -noschool",
    "apple OR iphone ipad",
    "ipad iphone OR android",
    "(apple OR iphone) ipad",
    "iphone (ipad OR android)",
    "diacrítica",
    "cat",
    "happy",
    "(happy OR happiness) lang:en -birthday -is:retweet",
    "(happy OR happiness) place_country:GB -birthday -is:retweet",
    "happy OR happiness",
    "(happy OR happiness OR excited OR elated) lang:en -birthday -is:retweet",
    "(happy OR happiness OR excited OR elated) lang:en -birthday -is:retweet -holidays",
    "cat has:media",
    "cat has:media -grumpy",
    "meme",
    "meme has:images",
    "-is:retweet has:geo (from:NWSNHC OR from:NHC_Atlantic OR from:NWSHouston OR from:NWSSanAntonio OR from:USGS_TexasRain OR from:USGS_TexasFlood OR from:JeffLindner1)",
    "#nowplaying (happy OR exciting OR excited OR favorite OR fav OR amazing OR lovely OR incredible) (place_country:US OR place_country:MX OR place_country:CA) -horrible -worst -sucks -bad -disappointing",
    "#nowplaying (horrible OR worst OR sucks OR bad OR disappointing) (place_country:US OR place_country:MX OR place_country:CA) -happy -exciting -excited -favorite -fav -amazing -lovely -incredible",
    'pepsi OR cola OR "coca cola"',
    "(😃 OR 😡) 😬",
    '("X API" OR #v2) -"filtered stream"',
    "#thankunext #fanart",
    "(@XDevelopers OR @api) -@x",
    "$twtr OR @XDevelopers -$fb",
    "from:XDevelopers OR from:api",
    "to:XDevelopers OR to:api",
    "retweets_of:XDevelopers",
    'url:"https://developer.x.com"',
    "conversation_id:1334987486343299072",
    "place_country:US OR place_country:MX",
    "data @XDevelopers -is:retweet",
    "from:XDevelopers is:reply",
    '"sentiment analysis" is:quote',
    "#nowplaying is:verified",
    '"mobile games" -is:nullcast',
    "from:XDevelopers -has:hashtags",
    "#stonks has:cashtags",
    "from:XDevelopers has:links",
    "#nowplaying has:mentions",
    "(kittens OR puppies) has:media",
    "#meme has:images",
    "#icebucketchallenge has:video_link",
    "recommend #paris has:geo",
    "recommend #paris lang:en",
    "(cat OR dog) -is:retweet",
    "cat -grumpy",
    '(AI OR "machine learning") lang:en -is:retweet',
    "#python",
    "from:elonmusk",
    '"breaking news" has:images',
    "(@XDevelopers OR @X) -is:retweet",
  ])("%s", (rule) => {
    expect(parseRule(rule, options).text).toBe(rule);
  });
});

describe("parseRule refuses, naming the position and the reason", () => {
  it.each([
    ["", 1, "the rule is empty"],
    ["   ", 1, "the rule is empty"],
    ["has:media", 1, "cannot stand alone"],
    ["has:links OR is:retweet", 1, "cannot stand alone"],
    ["cat OR has:links", 8, "cannot stand alone"],
    ["-cat", 1, "a rule must hold a clause that is not negated"],
    ["-cat -dog", 1, "a rule must hold a clause that is not negated"],
    ["apple OR -ipad", 10, "a negated clause cannot stand alone"],
    ["skiing -(snow OR day OR noschool)", 8, "a group cannot be negated"],
    ["cat - dog", 5, "right before the clause it negates"],
    ["cat --dog", 5, "right before the clause it negates"],
    ["is:nullcast cat", 1, "must always be negated"],
    ["a b OR", 5, "OR needs a clause on each side"],
    ["OR a", 1, "OR needs a clause on each side"],
    ["a OR OR b", 3, "OR needs a clause on each side"],
    ["streaming AND lang:en", 11, "AND is not an operator"],
    ["(cat dog", 1, "never closed"],
    ["cat dog)", 8, "closes no '('"],
    ["cat ()", 6, "a group needs at least one clause"],
    ['"cat dog', 1, "this quote is never closed"],
    ['"social media"~5', 15, "proximity"],
    ["cat foo:bar", 5, 'foo: is not an operator: quote "foo:bar"'],
    ["cat bio:developer", 5, "bio: is an X operator this evaluator does not evaluate"],
    ["#nowplaying sample:15", 13, "sample: is an X operator this evaluator does not evaluate"],
    ["cat is:cute", 5, "is:cute is not an operator"],
    ["cat has:kittens", 5, "has:kittens is not an operator"],
    ["from:", 1, "from: takes one username"],
    ["cat lang:english!", 5, "lang: takes one BCP 47 code"],
    ["place_country:USA", 1, "place_country: takes one ISO alpha-2 code"],
    ["conversation_id:abc", 1, "conversation_id: takes one post id"],
    ["cat #", 5, "'#' needs a name"],
    ["cat .net", 5, "a keyword must start with a letter, a digit or a symbol"],
    ['cat ""', 5, "holds no word"],
    ["🍕 🍕 -x OR has:media", 11, "cannot stand alone"],
  ])("%j: position %d, %s", (rule, position, reason) => {
    const error = errorOf(rule);
    expect(error.position).toBe(position);
    expect(error.reason).toContain(reason);
  });

  it("refuses a rule longer than maxLength, at the first character past it", () => {
    expect(parseRule("a".repeat(16), { maxLength: 16 }).text).toHaveLength(16);
    expect(errorOf("a".repeat(17), 16)).toEqual({
      position: 17,
      reason: "the rule is 17 characters long, more than the 16 allowed",
    });
    // Characters, not UTF-16 units: four pizzas are four characters.
    expect(parseRule("🍕🍕🍕🍕", { maxLength: 4 }).text).toBe("🍕🍕🍕🍕");
  });

  it("says it all in the error's message", () => {
    expect(() => parseRule("cat ()", options)).toThrow(
      'rule "cat ()": a group needs at least one clause (at position 6)',
    );
  });
});

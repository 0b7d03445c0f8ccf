import { archivedSeconds, firstKeptDay, Retention } from "../../../archive/retention";
import { matchesSearch, parseSearch, SEARCH_LIMITS, SearchSyntaxError } from "../../../matching/search/query";
import { searchWords } from "../../../matching/search/words";
import { RecordingLogger } from "../../support/batches";

/** The SearchSyntaxError `text` throws, as [position, reason]. */
function syntaxError(text: string): [number, string] {
  try {
    parseSearch(text);
  } catch (error) {
    if (error instanceof SearchSyntaxError) return [error.position, error.reason];
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} was read`);
}

const terms = (text: string): [string[], boolean][] =>
  parseSearch(text).terms.map((term) => [term.words, term.exclude]);

describe("the search syntax (parseSearch)", () => {
  it("reads words, phrases and exclusions, lower-cased, keeping the text as given", () => {
    const query = parseSearch('  Final "World  Cup" -offside -"own goal" ');
    expect(query.text).toBe('  Final "World  Cup" -offside -"own goal" ');
    expect(terms(query.text)).toEqual([
      [["final"], false],
      [["world", "cup"], false],
      [["offside"], true],
      [["own", "goal"], true],
    ]);
  });

  it("reads a word with punctuation inside as the phrase of its words, as the archive stores it", () => {
    expect(terms("don't -e-mail user_name")).toEqual([
      [["don", "t"], false],
      [["e", "mail"], true],
      [["user", "name"], false],
    ]);
    expect(terms("#Bieber! @fan")).toEqual([
      [["bieber"], false],
      [["fan"], false],
    ]);
  });

  it("reads a word of Chinese or Japanese as the phrase of its characters", () => {
    expect(terms("世界杯 -ラーメン")).toEqual([
      [["世", "界", "杯"], false],
      [["ラ", "ー", "メ", "ン"], true],
    ]);
  });

  it.each<[string, string, number, string]>([
    ["an unclosed quote", 'final "world cup', 6, 'a phrase opened with " is not closed'],
    ["an unclosed quote after -", 'final -"own goal', 7, 'a phrase opened with " is not closed'],
    ["a quote inside a word", 'wor"ld cup', 3, 'a " may only open or close a phrase'],
    [
      "a closing quote joined to a word",
      '"world cup"final',
      11,
      "a closing quote must be followed by a space or the end",
    ],
    ["a lone - at the end", "final -", 6, "a - must be followed by a word or a phrase"],
    ["a lone - before a space", "- final", 0, "a - must be followed by a word or a phrase"],
    ["a term of punctuation only", "final !!!", 6, "a term must hold a letter or a digit"],
    ["an empty phrase", 'final ""', 6, "a term must hold a letter or a digit"],
    ["nothing but spaces", "   ", 0, "a search needs a word or a phrase"],
    [
      "only exclusions",
      '-offside -"own goal"',
      0,
      "a search needs a word or a phrase to find: - terms only leave tweets out",
    ],
  ])("names where it stops on %s", (_case, text, position, reason) => {
    expect(syntaxError(text)).toEqual([position, reason]);
  });

  it("takes at most its limit of terms, naming the first one too many", () => {
    const words = Array.from({ length: SEARCH_LIMITS.terms }, (_, index) => `w${index}`);
    expect(parseSearch(words.join(" ")).terms).toHaveLength(SEARCH_LIMITS.terms);
    const tooMany = `${words.join(" ")} extra`;
    expect(syntaxError(tooMany)).toEqual([tooMany.indexOf("extra"), "a search has at most 16 terms"]);
  });

  it("takes at most its limit of characters", () => {
    expect(parseSearch("a".repeat(SEARCH_LIMITS.length)).terms).toHaveLength(1);
    expect(syntaxError("a".repeat(SEARCH_LIMITS.length + 1))).toEqual([500, "a search is at most 500 characters"]);
  });
});

describe("a text's words (searchWords)", () => {
  it("drops links, keeping the words around them", () => {
    expect(searchWords("see https://t.co/AbC?x=1 and http://example.com/Path now")).toEqual(["see", "and", "now"]);
  });

  it("reads the text in NFKC, lower-cased", () => {
    expect(searchWords("ＦＵＬＬ width Ⅻ ﬁne Straße ÉTÉ")).toEqual(["full", "width", "xii", "fine", "straße", "été"]);
    // A precomposed letter and a letter followed by its combining mark are one word.
    expect(searchWords("cafe\u0301 caf\u00e9")).toEqual(["café", "café"]);
  });

  it("splits Chinese and Japanese into characters, keeping other scripts' words whole", () => {
    expect(searchWords("世界杯2026決勝！ Привет мир, สวัสดี")).toEqual([
      "世",
      "界",
      "杯",
      "2026",
      "決",
      "勝",
      "привет",
      "мир",
      "สวัสดี",
    ]);
    expect(searchWords("ガ\u309a")).toEqual(["ガ\u309a"]);
  });

  it("splits at underscores and punctuation as PostgreSQL's parser does", () => {
    expect(searchWords("snake_case don't e-mail a.b #tag @user")).toEqual([
      "snake",
      "case",
      "don",
      "t",
      "e",
      "mail",
      "a",
      "b",
      "tag",
      "user",
    ]);
  });

  it("keeps no word PostgreSQL's parser leaves out: a mark after punctuation, a number that is no digit", () => {
    // NFKC writes `´` as a space and a combining acute; an emoji's variation selector follows no letter.
    expect(searchWords("(´д`) ❤️ love ➊ first")).toEqual(["д", "love", "first"]);
  });

  it("reads digits, e and digits at a word's start as a number of their own, as PostgreSQL does", () => {
    expect(searchWords("14e635f0 4e2L0k 1e55 1ex a1e5x 1e5\u0301x")).toEqual([
      "14e635",
      "f0",
      "4e2",
      "l0k",
      "1e55",
      "1ex",
      "a1e5x",
      "1e5",
      "x",
    ]);
  });

  it("leaves out a word of more than 2047 bytes, as PostgreSQL does", () => {
    expect(
      searchWords(`${"a".repeat(2047)} ${"é".repeat(1023)} ${"é".repeat(1024)} end`).map((word) => word.length),
    ).toEqual([2047, 1023, 3]);
  });
});

describe("a query against a text's words (matchesSearch)", () => {
  const words = searchWords("The World Cup final, then the cup of the world");
  const matches = (text: string): boolean => matchesSearch(parseSearch(text), words);

  it("finds a phrase only with its words next to each other, in its order", () => {
    expect(matches('"world cup"')).toBe(true);
    expect(matches('"cup final"')).toBe(true);
    expect(matches('"final world"')).toBe(false);
    expect(matches('"world final"')).toBe(false);
    expect(matches('"cup world"')).toBe(false);
    expect(matches('"the world"')).toBe(true);
  });

  it("needs every term and none of the excluded ones", () => {
    expect(matches("final cup")).toBe(true);
    expect(matches("final goal")).toBe(false);
    expect(matches("final -offside")).toBe(true);
    expect(matches("final -cup")).toBe(false);
    expect(matches('final -"world cup"')).toBe(false);
    expect(matches('final -"cup world"')).toBe(true);
  });

  it("finds a phrase whose first word comes earlier on its own", () => {
    expect(matchesSearch(parseSearch('"a b"'), ["a", "a", "c", "a", "b"])).toBe(true);
    expect(matchesSearch(parseSearch('"a b"'), ["a", "a", "c", "a"])).toBe(false);
  });

  it("finds a Chinese word wherever its characters stand together", () => {
    const chinese = searchWords("我们看世界杯决赛");
    expect(matchesSearch(parseSearch("世界杯"), chinese)).toBe(true);
    expect(matchesSearch(parseSearch("杯世界"), chinese)).toBe(false);
  });
});

describe("the archive's retention", () => {
  const NOW = Date.parse("2026-12-10T05:00:00Z");

  it("keeps the days of the last `days` days, and every day for 0", () => {
    expect(firstKeptDay(NOW, 7)).toBe("2026-12-03");
    expect(firstKeptDay(Date.parse("2026-12-10T00:00:00Z"), 1)).toBe("2026-12-09");
    expect(firstKeptDay(NOW, 0)).toBeNull();
    expect(archivedSeconds(7)).toBe(7 * 86_400);
    expect(archivedSeconds(0)).toBe(3650 * 86_400);
  });

  /** An archive that records what it was asked to drop and answers `dropped` and `forgotten`, or fails. */
  class FakeArchive {
    readonly asked: string[] = [];
    readonly forgetAsked: string[] = [];
    constructor(
      private readonly answer: () => Promise<string[]>,
      private readonly forgotten = 0,
    ) {}
    dropDaysBefore(keepFrom: string): Promise<string[]> {
      this.asked.push(keepFrom);
      return this.answer();
    }
    forgetDeletesBefore(keepFrom: string): Promise<number> {
      this.forgetAsked.push(keepFrom);
      return Promise.resolve(this.forgotten);
    }
  }

  it("drops the days before the first kept one, saying which", async () => {
    const archive = new FakeArchive(() => Promise.resolve(["2026-12-01", "2026-12-02"]));
    const logger = new RecordingLogger();
    const retention = new Retention({ archive, logger, now: () => NOW }, 7);
    expect(await retention.apply()).toEqual(["2026-12-01", "2026-12-02"]);
    expect(archive.asked).toEqual(["2026-12-03"]);
    expect(logger.lines).toEqual([
      {
        level: "info",
        text: "Archive retention (7 days): dropped the tweets of 2 day(s), 2026-12-01 to 2026-12-02",
      },
    ]);
  });

  it("forgets the delete notices recorded before the first kept day, saying how many", async () => {
    const archive = new FakeArchive(() => Promise.resolve([]), 1_234);
    const logger = new RecordingLogger();
    const retention = new Retention({ archive, logger, now: () => NOW }, 7);
    expect(await retention.apply()).toEqual([]);
    expect(archive.forgetAsked).toEqual(["2026-12-03"]);
    expect(logger.lines).toEqual([
      { level: "info", text: "Archive retention (7 days): forgot 1234 delete notice(s) recorded before 2026-12-03" },
    ]);
  });

  it("says nothing when no day was old enough", async () => {
    const logger = new RecordingLogger();
    const retention = new Retention({ archive: new FakeArchive(() => Promise.resolve([])), logger, now: () => NOW }, 7);
    expect(await retention.apply()).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it("asks nothing of the archive for 0 days, which keeps all, and starts no timer", async () => {
    const archive = new FakeArchive(() => Promise.resolve(["2026-12-01"]));
    const retention = new Retention({ archive, logger: new RecordingLogger(), now: () => NOW }, 0);
    retention.start();
    expect(await retention.apply()).toEqual([]);
    retention.stop();
    expect(archive.asked).toEqual([]);
  });

  it("logs a failure and leaves it to the next hour, never throwing", async () => {
    const archive = new FakeArchive(() => Promise.reject(new Error("connection refused")));
    const logger = new RecordingLogger();
    const retention = new Retention({ archive, logger, now: () => NOW }, 7);
    await expect(retention.apply()).resolves.toEqual([]);
    expect(logger.lines).toEqual([
      {
        level: "warn",
        text: "Archive retention could not drop old days now: connection refused; tried again in an hour",
      },
    ]);
  });
});

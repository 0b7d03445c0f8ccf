import type { ArchiveReader } from "../../../archive/archive-reader";
import { isDatabaseOutage } from "../../../archive/database";
import { exportRunPage, searchArchive } from "../../../archive/requests";
import type { SearchParams } from "../../../contracts/archive";
import type { SearchQuery } from "../../../matching/search/query";

/** A reader that records what it was asked, or fails as told. */
function readerThat(fail?: Error) {
  const asked: { params: SearchParams; query: SearchQuery | null }[] = [];
  const reader = {
    search: async (params: SearchParams, query: SearchQuery | null) => {
      if (fail) throw fail;
      asked.push({ params, query });
      return { q: query?.text ?? null, tweets: [], next_cursor: null };
    },
    exportPage: async () => {
      if (fail) throw fail;
      return { run_id: "run-1", tweets: [], next_after: null };
    },
  };
  return { reader: reader as unknown as ArchiveReader, asked };
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("the archive's requests", () => {
  it("read q into terms, and the filters as the schema gives them", async () => {
    const { reader, asked } = readerThat();
    await searchArchive(reader, { q: '"World Cup" -offside', author: "Ana_B", from: "2026-12-01", limit: "5" });
    expect(asked[0]?.query?.terms).toEqual([
      { words: ["world", "cup"], exclude: false },
      { words: ["offside"], exclude: true },
    ]);
    expect(asked[0]?.params).toMatchObject({ author: "@ana_b", from: Date.UTC(2026, 11, 1), limit: 5 });
  });

  it.each([
    [{ q: 'cup "world' }, "q", /character 5: a phrase opened with " is not closed/],
    [{ q: "-offside" }, "q", /- terms only leave tweets out/],
    [{ from: "yesterday" }, "from", /from must be a date/],
    [{ from: "2026-12-03", to: "2026-12-02" }, "to", /to must be later than from/],
    [{ limit: 0 }, "limit", /at least 1/],
    [{ cursor: "not-a-cursor" }, "cursor", /next_cursor of a previous search page/],
    [{ lang: "english" }, "lang", /BCP 47/],
  ])("refuse %j with a 422 naming %s", async (params, field, message) => {
    const { reader, asked } = readerThat();
    await expect(searchArchive(reader, params)).rejects.toMatchObject({
      code: 422,
      data: [expect.objectContaining({ field, message: expect.stringMatching(message) })],
    });
    expect(asked).toEqual([]);
  });

  it("answer 503 ARCHIVE_DISABLED without a database, after checking the params", async () => {
    await expect(searchArchive(null, { q: "final" })).rejects.toMatchObject({ code: 503, type: "ARCHIVE_DISABLED" });
    await expect(exportRunPage(null, { run_id: "run-1" })).rejects.toMatchObject({ type: "ARCHIVE_DISABLED" });
    await expect(searchArchive(null, { limit: 1000 })).rejects.toMatchObject({ code: 422 });
  });

  it("answer 503 ARCHIVE_UNAVAILABLE while PostgreSQL is away, and pass any other failure on", async () => {
    const away = readerThat(pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"));
    await expect(searchArchive(away.reader, {})).rejects.toMatchObject({ code: 503, type: "ARCHIVE_UNAVAILABLE" });
    const broken = readerThat(pgError("42703", 'column "nope" does not exist'));
    await expect(exportRunPage(broken.reader, { run_id: "run-1" })).rejects.toThrow(/column "nope"/);
  });
});

describe("what counts as a PostgreSQL outage", () => {
  it.each([
    ["a refused connection", pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["a server shutting down", pgError("57P01", "terminating connection due to administrator command")],
    ["a server starting", pgError("57P03", "the database system is starting up")],
    ["a lost connection", new Error("Connection terminated unexpectedly")],
    ["a pool that cannot connect in time", new Error("timeout exceeded when trying to connect")],
    ["a read-only server (a failover)", pgError("25006", "cannot execute INSERT in a read-only transaction")],
    ["too many connections", pgError("53300", "sorry, too many clients already")],
    ["every address refusing", new AggregateError([pgError("ECONNREFUSED", "connect ECONNREFUSED ::1:5432")], "")],
  ])("%s is one", (_name, error) => expect(isDatabaseOutage(error)).toBe(true));

  it.each([
    ["a bad statement", pgError("42601", "syntax error at or near")],
    ["a row of no partition", pgError("23514", "no partition of relation found for row")],
    ["something not an error", "ECONNREFUSED"],
  ])("%s is not", (_name, error) => expect(isDatabaseOutage(error)).toBe(false));
});

import { Errors } from "moleculer";
import {
  AuthorTimelineParams,
  FollowParams,
  HomeTimelineParams,
  TrackTimelineParams,
  TweetParams,
} from "../../../contracts/timelines";
import { parseParams, type FieldError } from "../../../contracts/validation";

function fields(schema: Parameters<typeof parseParams>[0], params: unknown): string[] {
  try {
    parseParams(schema, params);
  } catch (error) {
    expect(error).toBeInstanceOf(Errors.ValidationError);
    return ((error as Errors.ValidationError).data as FieldError[]).map((field) => field.field);
  }
  throw new Error("expected a validation error");
}

describe("follow params", () => {
  it("take authors by screen name (lowercase, with @) or user id, and phrases normalized as the matcher reads them", () => {
    expect(
      parseParams(FollowParams, {
        id: "alice",
        authors: ["Bieber", "@TwitterAPI", "12345", "@123"],
        track: ["Follow  Me"],
      }),
    ).toEqual({
      id: "alice",
      authors: ["@bieber", "@twitterapi", "12345", "@123"],
      track: ["follow me"],
    });
  });

  it("take comma-separated strings, as a query string and the REPL give them", () => {
    expect(parseParams(FollowParams, { id: "a-1_b", authors: "bieber, 42", track: "love" })).toMatchObject({
      authors: ["@bieber", "42"],
      track: ["love"],
    });
  });

  it("take the numbers the REPL makes of digits", () => {
    expect(parseParams(FollowParams, { id: 7, authors: 12345 })).toMatchObject({ id: "7", authors: ["12345"] });
    expect(parseParams(TweetParams, { id: 366543519 })).toEqual({ id: "366543519" });
    expect(fields(TweetParams, { id: 366543519431065600 })).toEqual(["id"]);
  });

  it.each([
    ["an empty body", { id: "alice" }, "authors"],
    ["empty lists", { id: "alice", authors: [], track: [] }, "authors"],
    ["a bad subscriber id", { id: "al ice", authors: ["bieber"] }, "id"],
    ["a subscriber id too long", { id: "a".repeat(65), authors: ["bieber"] }, "id"],
    ["a bad author", { id: "alice", authors: ["bie ber!"] }, "authors[0]"],
    ["a phrase with a comma inside a list", { id: "alice", track: ["a,b"] }, "track[0]"],
    ["authors of the wrong type", { id: "alice", authors: { name: "bieber" } }, "authors"],
  ])("reject %s, naming the field", (_, params, field) => {
    expect(fields(FollowParams, params)).toContain(field);
  });
});

describe("timeline read params", () => {
  it("default to the current run's first page of 20", () => {
    expect(parseParams(TrackTimelineParams, { phrase: "Love" })).toEqual({
      phrase: "love",
      all_runs: false,
      limit: 20,
    });
    expect(
      parseParams(AuthorTimelineParams, { author: "@Bieber", all_runs: "true", limit: "5", cursor: "123" }),
    ).toEqual({
      author: "@bieber",
      all_runs: true,
      limit: 5,
      cursor: "123",
    });
  });

  it.each([
    ["limit 0", { subscriber: "alice", limit: 0 }, "limit"],
    ["limit over 200", { subscriber: "alice", limit: "201" }, "limit"],
    ["a cursor that is no tweet id", { subscriber: "alice", cursor: "abc" }, "cursor"],
    ["all_runs not a flag", { subscriber: "alice", all_runs: "yes please" }, "all_runs"],
    ["all_runs with run_id", { subscriber: "alice", all_runs: true, run_id: "abc-1" }, "all_runs"],
    ["a bad subscriber", { subscriber: "al/ice" }, "subscriber"],
  ])("reject %s, naming the field", (_, params, field) => {
    expect(fields(HomeTimelineParams, params)).toContain(field);
  });

  it("reject a tweet id that is not decimal", () => {
    expect(fields(TweetParams, { id: "12ab" })).toEqual(["id"]);
  });
});

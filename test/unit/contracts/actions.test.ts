import { Errors } from "moleculer";
import { LaunchParams, TimelineParams } from "../../../contracts/actions";
import { parseParams, type FieldError } from "../../../contracts/validation";

function fieldErrors(params: unknown): FieldError[] {
  try {
    parseParams(LaunchParams, params);
  } catch (error) {
    expect(error).toBeInstanceOf(Errors.ValidationError);
    return (error as Errors.ValidationError).data as FieldError[];
  }
  throw new Error("expected a validation error");
}

describe("launch params", () => {
  it("accepts the original's body", () => {
    expect(parseParams(LaunchParams, { track: ["bieber"] })).toEqual({ track: ["bieber"] });
  });

  it("accepts track as one comma-separated string, as the v1.1 API and the REPL send it", () => {
    expect(parseParams(LaunchParams, { track: "bieber, twitter api" }).track).toEqual(["bieber", "twitter api"]);
  });

  it("reads numbers given as strings, as query strings and the REPL give them", () => {
    expect(parseParams(LaunchParams, { track: ["a"], max_tweets: "10", duration: "2.5" })).toMatchObject({
      max_tweets: 10,
      duration: 2.5,
    });
  });

  it.each([
    ["track missing", {}, "track"],
    ["track not a list", { track: 5 }, "track"],
    ["track empty", { track: [] }, "track"],
    ["max_tweets not a number", { track: ["a"], max_tweets: "many" }, "max_tweets"],
    ["max_tweets zero", { track: ["a"], max_tweets: 0 }, "max_tweets"],
    ["duration negative", { track: ["a"], duration: -1 }, "duration"],
    ["languages not codes", { track: ["a"], languages: ["english!"] }, "languages[0]"],
  ])("rejects %s, naming the field", (_, params, field) => {
    const errors = fieldErrors(params);
    expect(errors.map((error) => error.field)).toContain(field);
    expect(errors.every((error) => error.rule.length > 0 && error.message.length > 0)).toBe(true);
  });

  it("rejects 401 phrases and a phrase over 60 bytes", () => {
    expect(fieldErrors({ track: Array.from({ length: 401 }, (_, i) => `p${i}`) })[0]?.field).toBe("track");
    expect(fieldErrors({ track: ["x".repeat(61)] })[0]?.field).toMatch(/^track/);
  });

  it("summarises every bad field in the error message", () => {
    try {
      parseParams(LaunchParams, { track: [], max_tweets: 0 });
    } catch (error) {
      expect((error as Error).message).toMatch(/track: .*; max_tweets: max_tweets must be at least 1/);
      expect((error as Errors.ValidationError).code).toBe(422);
    }
  });
});

describe("timeline params", () => {
  it("defaults the page size", () => {
    expect(parseParams(TimelineParams, {})).toEqual({ limit: 20 });
  });

  it("rejects a cursor that is not a tweet id", () => {
    expect(() => parseParams(TimelineParams, { cursor: "abc" })).toThrow(/cursor: cursor must be the next_cursor/);
  });
});

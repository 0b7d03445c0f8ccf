import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSource, ReplaySource, SourceConfigError, TweetGenerator, type SourceConfig } from "../../../sources";

const base: SourceConfig = { source: "generator", generatorRate: 200, generatorSeed: 1, replayRate: 0 };

describe("createSource", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sources-index-test-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("picks the generator", () => {
    const source = createSource(base);
    expect(source).toBeInstanceOf(TweetGenerator);
    expect(source.name).toBe("generator");
  });

  it("picks the replay of an existing file", () => {
    const file = path.join(dir, "capture.jsonl");
    fs.writeFileSync(file, "");
    const source = createSource({ ...base, source: "replay", replayFile: file });
    expect(source).toBeInstanceOf(ReplaySource);
    expect(source.name).toBe("replay");
  });

  it("names REPLAY_FILE when the replay has no file", () => {
    expect(() => createSource({ ...base, source: "replay" })).toThrow(SourceConfigError);
    expect(() => createSource({ ...base, source: "replay", replayFile: " " })).toThrow(/REPLAY_FILE/);
  });

  it("names REPLAY_FILE and the path when the file does not exist or is not a file", () => {
    const missing = path.join(dir, "missing.jsonl.gz");
    expect(() => createSource({ ...base, source: "replay", replayFile: missing })).toThrow(
      new SourceConfigError(`REPLAY_FILE ${missing} does not exist`),
    );
    expect(() => createSource({ ...base, source: "replay", replayFile: dir })).toThrow(/REPLAY_FILE .* is not a file/);
  });

  it("rejects a negative rate and an unknown source", () => {
    expect(() => createSource({ ...base, generatorRate: -5 })).toThrow(RangeError);
    expect(() => createSource({ ...base, source: "firehose" as SourceConfig["source"] })).toThrow(
      /unknown source firehose/,
    );
  });
});

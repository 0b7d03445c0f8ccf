import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Tweet } from "../../contracts/tweet";
import { referenceMatch } from "../unit/matching/reference-track";
import { readV1Capture, tweetFromV1, V1Status, v1CaptureDir, v1CapturesPresent } from "../unit/matching/v1-capture";

export { v1CaptureDir, v1CapturesPresent };

/** Where a v1.1 capture of the shared data is; a test names it before it knows the capture is there. */
export const captureFile = (capture: string): string => path.join(v1CaptureDir, capture);

/**
 * What a replay of a real capture must end with, worked out without the pipeline's code: the test's
 * own reading of the file and the slow reference matcher.
 */
export interface ReplayExpectation {
  file: string;
  tweets: number;
  matched: Tweet[];
  perPhrase: Record<string, number>;
  /** Matched tweets not deleted later in the capture: what the run's timeline holds. */
  shown: Tweet[];
}

export function expectReplay(capture: string, track: readonly string[]): ReplayExpectation {
  const tweets = readV1Capture(capture).map(tweetFromV1);
  const matched = tweets.filter((tweet) => referenceMatch(track, tweet).length > 0);
  const perPhrase: Record<string, number> = {};
  for (const tweet of matched)
    for (const phrase of referenceMatch(track, tweet)) perPhrase[phrase] = (perPhrase[phrase] ?? 0) + 1;
  const deleted = deletedIds(captureFile(capture));
  return {
    file: captureFile(capture),
    tweets: tweets.length,
    matched,
    perPhrase,
    shown: matched.filter((tweet) => !deleted.has(tweet.id)),
  };
}

/**
 * A suite's expectation of a replay, worked out in its `beforeAll`: the suite is skipped when the
 * captures are absent, and only a suite that runs reads one. A test asking for it without it fails.
 */
export function replayExpectation(capture: string, track: readonly string[]): () => ReplayExpectation {
  let expectation: ReplayExpectation | undefined;
  beforeAll(() => {
    expectation = expectReplay(capture, track);
  });
  return () => {
    if (!expectation)
      throw new Error(`no expectation for the replay of ${capture}: the suite's beforeAll did not work it out`);
    return expectation;
  };
}

export type CaptureItem = { kind: "tweet"; tweet: Tweet } | { kind: "delete"; tweetId: string };

/** A capture's tweets and delete notices, in file order. */
export function readCaptureInOrder(capture: string): CaptureItem[] {
  const items: CaptureItem[] = [];
  for (const line of zlib
    .gunzipSync(fs.readFileSync(captureFile(capture)))
    .toString("utf8")
    .split("\n")) {
    if (line.trim() === "") continue;
    const message = JSON.parse(line) as { delete?: { status?: { id_str?: string } } };
    if (message.delete?.status?.id_str) items.push({ kind: "delete", tweetId: message.delete.status.id_str });
    else if (!("delete" in message)) items.push({ kind: "tweet", tweet: tweetFromV1(V1Status.parse(message)) });
  }
  return items;
}

/** The ids of a capture's delete notices. */
function deletedIds(file: string): Set<string> {
  const ids = new Set<string>();
  for (const line of zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n")) {
    if (!line.includes('"delete"')) continue;
    const message = JSON.parse(line) as { delete?: { status?: { id_str?: string } } };
    const id = message.delete?.status?.id_str;
    if (id) ids.add(id);
  }
  return ids;
}

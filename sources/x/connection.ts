import type { Readable } from "node:stream";
import type { TweetSearchV2StreamParams, TweetStream } from "twitter-api-v2";
import { agentFor, xClient, type XApiConfig } from "./api";

/** One HTTP connection to the filtered stream: made within a deadline, and cut at once when asked. */

/**
 * The filtered stream's query: the fields the project's tweet needs (what the rule operators read,
 * matching/rules, and edit histories), and the users, tweets, media and places they refer to.
 */
export const STREAM_QUERY = {
  "tweet.fields":
    "created_at,lang,author_id,entities,referenced_tweets,note_tweet,conversation_id,in_reply_to_user_id,geo,attachments,edit_history_tweet_ids",
  expansions: "author_id,referenced_tweets.id,in_reply_to_user_id,attachments.media_keys,geo.place_id",
  "user.fields": "username,name,verified",
  "media.fields": "type",
  "place.fields": "country_code",
} satisfies Partial<TweetSearchV2StreamParams>;

export interface StreamConnection {
  stream: TweetStream;
  /** Closes the connection now: its agent's sockets are destroyed, whatever state the request is in. */
  cut(): void;
}

/**
 * Connects to the filtered stream. `stallTimeoutMs` is both the keep-alive timeout of the
 * connection and the wait for X to answer the connect: an unanswered connect is a network error.
 */
export async function connectStream(
  api: XApiConfig,
  stallTimeoutMs: number,
  signal: AbortSignal,
  /** Minutes of posts X should send again (`backfill_minutes`, 1 to 5); 0: none. */
  backfillMinutes = 0,
): Promise<StreamConnection> {
  // An agent per connection: destroying it closes the socket even while the request waits for X's answer.
  const agent = agentFor(api.baseUrl);
  const backfill = backfillMinutes > 0 ? { backfill_minutes: backfillMinutes } : {};
  const stream = xClient(api, agent).v2.searchStream({ ...STREAM_QUERY, ...backfill, autoConnect: false });
  const cut = (): void => {
    stream.destroy();
    agent.destroy();
  };
  try {
    await within(stallTimeoutMs, stream.connect({ autoReconnect: false, keepAliveTimeout: stallTimeoutMs }), signal);
  } catch (error) {
    cut();
    throw error;
  }
  decodeWholeCharacters(stream);
  return { stream, cut };
}

/** `connecting`, or a rejection after `timeoutMs` or when `signal` aborts. */
function within<T>(timeoutMs: number, connecting: Promise<T>, signal: AbortSignal): Promise<T> {
  // Once the deadline won, the connect's own rejection must not go unhandled.
  connecting.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    onAbort = () => reject(new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([connecting, deadline]).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
  });
}

/**
 * twitter-api-v2 decodes each chunk of the response on its own (`chunk.toString()`), which breaks a
 * character whose bytes a chunk boundary splits (common with emoji and CJK text). Setting the
 * response's encoding makes Node hand over whole characters; it is set before any data is read.
 */
function decodeWholeCharacters(stream: TweetStream): void {
  const response = (stream as unknown as { res?: Readable }).res;
  response?.setEncoding("utf8");
}

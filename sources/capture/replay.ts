import { createReadStream } from "node:fs";
import { errorText } from "../../core/error-text";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import type { SourceItem, Tweet } from "../../contracts/tweet";
import { Pacer } from "../pacer";
import { assertRate, assertSkip, type SourceOptions, type TweetSource } from "../source";
import { isV1ControlMessage, v1MessageToItem } from "../payloads/v1";
import { V2Page, V2StreamMessage, v2PageToTweets, v2StreamMessageToTweet } from "../payloads/v2";

/**
 * Replays a capture: one JSON message a line, plain or gzip, in the v1.1 stream format (tweets,
 * delete notices, control messages) or the X API v2 one (filtered-stream messages, response
 * pages). The iteration ends at the end of the file. Lines that cannot be used are skipped and
 * counted in `stats`, never thrown: one bad line must not end a run.
 */

export interface ReplayOptions {
  file: string;
  /** Tweets per second; 0 or Infinity: as fast as the consumer pulls. */
  rate: number;
}

/** What an iteration read so far, `skip`ped items included. */
export interface ReplayStats {
  lines: number;
  blankLines: number;
  tweets: number;
  deleteNotices: number;
  /** v1.1 control messages (`limit`, `scrub_geo`, ...) and v2 messages without data (errors, an empty page). */
  controlMessages: number;
  /** Lines that are not JSON. */
  invalidLines: number;
  /** JSON of no known shape, or of a known shape with unusable fields. */
  unknownLines: number;
}

export type DecodedLine =
  | { kind: "items"; items: readonly SourceItem[] }
  | { kind: "blank" }
  | { kind: "control" }
  | { kind: "invalid" }
  | { kind: "unknown" };

const BYTE_ORDER_MARK = 0xfeff;
const BLANK: DecodedLine = { kind: "blank" };
const CONTROL: DecodedLine = { kind: "control" };
const INVALID: DecodedLine = { kind: "invalid" };
const UNKNOWN: DecodedLine = { kind: "unknown" };

const tweetItem = (tweet: Tweet): SourceItem => ({ kind: "tweet", tweet });

/** One line of a capture, decoded into the source items it holds. */
export function decodeLine(line: string): DecodedLine {
  if (line.trim() === "") return BLANK;
  // A byte order mark, as some Windows tools write at a file's start, is not JSON.
  if (line.charCodeAt(0) === BYTE_ORDER_MARK) return decodeLine(line.slice(1));
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return INVALID;
  }
  return decodeMessage(message);
}

/** A parsed message of either API version. */
export function decodeMessage(message: unknown): DecodedLine {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return UNKNOWN;
  if ("delete" in message || "id_str" in message) {
    const item = v1MessageToItem(message);
    return item === null ? UNKNOWN : { kind: "items", items: [item] };
  }
  if ("data" in message) return decodeV2(message);
  // v2 messages without data: errors only (a disconnect), or an empty page's `meta`.
  if (isV1ControlMessage(message) || "errors" in message || "meta" in message) return CONTROL;
  return UNKNOWN;
}

function decodeV2(message: { data: unknown }): DecodedLine {
  if (Array.isArray(message.data)) {
    const page = V2Page.safeParse(message);
    return page.success ? { kind: "items", items: v2PageToTweets(page.data).map(tweetItem) } : UNKNOWN;
  }
  const parsed = V2StreamMessage.safeParse(message);
  const tweet = parsed.success ? v2StreamMessageToTweet(parsed.data) : undefined;
  return tweet === undefined ? UNKNOWN : { kind: "items", items: [tweetItem(tweet)] };
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits byte chunks into lines (LF or CRLF), carrying a line cut at a chunk's end into the next.
 * It works on bytes and decodes each whole line once: a character cut between two chunks stays
 * whole, and no chunk is decoded to be sliced again.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(LF); end >= 0; end = chunk.indexOf(LF, start)) {
      lines.push(this.pending.length === 0 ? lineText(chunk, start, end) : this.joinPending(chunk.subarray(0, end)));
      start = end + 1;
    }
    // Copied: the stream may reuse the chunk's memory.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
    return lines;
  }

  /** The last line, when the text does not end with a line break. */
  end(): string[] {
    return this.pending.length === 0 ? [] : [this.joinPending(Buffer.alloc(0))];
  }

  private joinPending(last: Buffer): string {
    const bytes = Buffer.concat([...this.pending, last]);
    this.pending = [];
    return lineText(bytes, 0, bytes.length);
  }
}

function lineText(bytes: Buffer, start: number, end: number): string {
  return bytes.toString("utf8", start, end > start && bytes[end - 1] === CR ? end - 1 : end);
}

/** The lines of each chunk together: one await per chunk rather than per line. */
async function* lineBatches(bytes: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  const splitter = new LineSplitter();
  for await (const chunk of bytes) yield splitter.push(chunk);
  yield splitter.end();
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** Larger than the 16 KiB default: fewer chunks to pass between zlib's thread and ours. */
const READ_CHUNK_BYTES = 256 * 1024;

/** Gzip is told by its magic bytes, not by the file's name. */
async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** The file's bytes, decompressed when gzip; the streams are returned so that they can be closed. */
async function openBytes(
  file: string,
  signal: AbortSignal,
): Promise<{ bytes: AsyncIterable<Buffer>; streams: Readable[] }> {
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { signal, highWaterMark: READ_CHUNK_BYTES });
  if (!gzip) return { bytes: raw, streams: [raw] };
  // pipeline forwards a read error (or the abort) to the gunzip stream that is iterated.
  const gunzip = pipeline(raw, createGunzip({ chunkSize: READ_CHUNK_BYTES }), () => undefined);
  return { bytes: gunzip, streams: [raw, gunzip] };
}

const emptyStats = (): ReplayStats => ({
  lines: 0,
  blankLines: 0,
  tweets: 0,
  deleteNotices: 0,
  controlMessages: 0,
  invalidLines: 0,
  unknownLines: 0,
});

export class ReplaySource implements TweetSource {
  readonly name = "replay";
  readonly file: string;
  private readonly rate: number;
  private current = emptyStats();

  constructor(options: ReplayOptions) {
    assertRate(options.rate, "replay rate");
    this.file = options.file;
    this.rate = options.rate;
  }

  /** Counts of the latest iteration (a copy). */
  get stats(): ReplayStats {
    return { ...this.current };
  }

  async *items({ signal, skip = 0 }: SourceOptions): AsyncGenerator<SourceItem> {
    assertSkip(skip);
    const stats = (this.current = emptyStats());
    const pacer = new Pacer(this.rate);
    let toSkip = skip;
    if (signal.aborted) return;
    let streams: Readable[] = [];
    try {
      const opened = await openBytes(this.file, signal);
      streams = opened.streams;
      for await (const lines of lineBatches(opened.bytes)) {
        for (const line of lines) {
          for (const item of this.decodeCounted(line, stats)) {
            if (toSkip > 0) {
              toSkip -= 1;
              continue;
            }
            const turn = pacer.wait(signal);
            if (turn !== true && !(await turn)) return;
            yield item;
          }
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      throw new Error(`replay of ${this.file} failed after ${stats.lines} lines: ${errorText(error)}`, {
        cause: error,
      });
    } finally {
      for (const stream of streams) stream.destroy();
    }
  }

  private decodeCounted(line: string, stats: ReplayStats): readonly SourceItem[] {
    stats.lines += 1;
    const decoded = decodeLine(line);
    switch (decoded.kind) {
      case "items":
        for (const item of decoded.items) {
          if (item.kind === "tweet") stats.tweets += 1;
          else stats.deleteNotices += 1;
        }
        return decoded.items;
      case "blank":
        stats.blankLines += 1;
        return [];
      case "control":
        stats.controlMessages += 1;
        return [];
      case "invalid":
        stats.invalidLines += 1;
        return [];
      case "unknown":
        stats.unknownLines += 1;
        return [];
    }
  }
}

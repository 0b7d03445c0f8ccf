import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake X API v2 of our own, speaking the filtered-stream protocol as X documents it: bearer-token
 * check, the rules endpoints (list, add with `dry_run`, delete by ids, refused rules reported in
 * `errors` with their value, and 429 with `x-rate-limit-*` headers past its limit of POSTs per 15
 * minutes), the stream as chunked HTTP, one JSON message per `\r\n`, a bare `\r\n` as keep-alive,
 * one connection per app (a second gets 429 TooManyConnections), `backfill_minutes` sending again the
 * posts of those minutes, and the usage endpoint (`GET /2/usage/tweets`) with figures the test sets.
 * Faults are injected by the test: a dropped connection, a stall, an operational disconnect, HTTP errors.
 */

export interface FakeXApiOptions {
  token: string;
  /** X sends a keep-alive at least every 20 s; tests shorten it. */
  keepAliveMs?: number;
  maxRules?: number;
  /** How long a second stream request waits for the first connection's close to be seen before it gets its 429. */
  closeGraceMs?: number;
  /** POSTs to the rules endpoint per 15 minutes before a 429 (X allows 100). */
  ruleRequestsPer15Min?: number;
}

/** The figures `GET /2/usage/tweets` answers. */
export interface FakeUsage {
  cap: number;
  used: number;
  resetDay: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The Authorization header as received: tests check it carried the token and nothing leaked elsewhere. */
  authorization: string | undefined;
  status: number;
}

export interface FakeRule {
  id: string;
  value: string;
  tag?: string;
}

interface OpenStream {
  response: http.ServerResponse;
  stalled: boolean;
  /** A message is being written: a keep-alive now would land inside it. */
  writing: boolean;
  closed: Promise<void>;
  keepAlive: NodeJS.Timeout;
}

const PROBLEMS = "https://api.twitter.com/2/problems";
const RULES_PATH = "/2/tweets/search/stream/rules";
const STREAM_PATH = "/2/tweets/search/stream";
const USAGE_PATH = "/2/usage/tweets";
const RULES_WINDOW_MS = 15 * 60 * 1000;
const CRLF = "\r\n";

/** The operators the fake knows; any other `name:` in a rule is refused, as X refuses unknown operators. */
const OPERATORS = new Set([
  "from",
  "to",
  "url",
  "lang",
  "is",
  "has",
  "place",
  "retweets_of",
  "context",
  "entity",
  "conversation_id",
  "bio",
  "sample",
]);

/** Why X would refuse a rule, as far as the fake knows its syntax; undefined for a valid rule. */
export function invalidRuleReason(value: string): string | undefined {
  let depth = 0;
  for (const char of value.replace(/"[^"]*"/g, "")) {
    depth += char === "(" ? 1 : char === ")" ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) return "There are mismatched parentheses in this rule";
  if ((value.match(/"/g) ?? []).length % 2 === 1) return "There are mismatched quotes in this rule";
  for (const [, name = "", operand] of value.matchAll(/(?:^|\s)-?([a-z_]+):(\S*)/g)) {
    if (!OPERATORS.has(name))
      return `Reference to invalid operator '${name}'. Operator is not available in current product or product packaging.`;
    if (operand === "") return `There is an incomplete or invalid operator '${name}:'`;
  }
  return undefined;
}

export class FakeXApi {
  readonly requests: RecordedRequest[] = [];
  /** Every stream message written, in order. */
  readonly served: unknown[] = [];
  /** The `backfill_minutes` of each stream connect that asked for it. */
  readonly backfillRequests: number[] = [];
  /** What `GET /2/usage/tweets` answers; the test sets it. */
  usage: FakeUsage = { cap: 2_000_000, used: 0, resetDay: 14 };
  streamConnects = 0;
  /** Stream connections answered 200. */
  streamsAccepted = 0;
  /** Write each message in two chunks, cut inside its first multi-byte character, with a pause between. */
  splitWrites = false;

  private readonly server: http.Server;
  private readonly ruleSet = new Map<string, FakeRule>();
  private readonly queue: unknown[] = [];
  /** When each served post (a message with `data`) was written, for backfills. */
  private readonly servedPosts: { message: unknown; at: number }[] = [];
  /** When each rules POST that X took arrived, for its 15-minute limit. */
  private readonly rulePostTimes: number[] = [];
  private readonly backfilled = new Set<unknown>();
  private readonly failures: number[] = [];
  private readonly options: Required<FakeXApiOptions>;
  private open: OpenStream | null = null;
  private nextRuleId = 1_000_000_000_000_000_000n;
  private delivering: Promise<void> = Promise.resolve();

  private constructor(options: FakeXApiOptions) {
    this.options = { keepAliveMs: 20_000, maxRules: 1000, closeGraceMs: 200, ruleRequestsPer15Min: 100, ...options };
    this.server = http.createServer((request, response) => void this.route(request, response));
  }

  static async start(options: FakeXApiOptions): Promise<FakeXApi> {
    const fake = new FakeXApi(options);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get rules(): FakeRule[] {
    return [...this.ruleSet.values()];
  }

  get streaming(): boolean {
    return this.open !== null;
  }

  /** POSTs to the rules endpoint received, dry runs included, refused ones too. */
  get rulesPosts(): number {
    return this.requests.filter((request) => request.path === RULES_PATH && request.method === "POST").length;
  }

  /** Requests of the usage endpoint received. */
  get usageReads(): number {
    return this.requests.filter((request) => request.path === USAGE_PATH).length;
  }

  /** Rules the app already holds, as an earlier run (or another tool) left them. */
  seedRules(rules: readonly Omit<FakeRule, "id">[]): void {
    for (const rule of rules) this.createRule(rule);
  }

  /** Queues stream messages; they go out in order over the open connection (or the next one). */
  feed(messages: readonly unknown[]): void {
    this.queue.push(...messages);
    this.deliver();
  }

  /** The next `count` stream connects are answered with this status (503, 401, 429...). */
  failNextConnects(status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  /** Cuts the open connection's socket, as a network failure or a restart of X's side would. */
  dropStream(): void {
    const open = this.open;
    this.open = null;
    open?.response.socket?.destroy();
  }

  /** The open connection goes silent: no data, no keep-alive, until the client gives up on it. */
  stallStream(): void {
    if (this.open) this.open.stalled = true;
  }

  /** X's operational disconnect: an error message in the stream, then the end of the response. */
  operationalDisconnect(): void {
    const open = this.open;
    if (!open) return;
    const message = {
      errors: [
        {
          title: "operational-disconnect",
          disconnect_type: "UpstreamOperationalDisconnect",
          detail: "This stream has been disconnected upstream for operational reasons.",
          type: `${PROBLEMS}/operational-disconnect`,
        },
      ],
    };
    open.response.end(JSON.stringify(message) + CRLF);
  }

  async close(): Promise<void> {
    this.open?.response.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake");
    const body = await readJson(request);
    const record: RecordedRequest = {
      method: request.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: request.headers.authorization,
      status: 0,
    };
    this.requests.push(record);
    const answer = (status: number, payload?: unknown): void => {
      record.status = status;
      if (payload === undefined) return;
      response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(payload));
    };
    if (request.headers.authorization !== `Bearer ${this.options.token}`) {
      return answer(401, { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" });
    }
    if (url.pathname === RULES_PATH && request.method === "GET") return answer(200, this.listRules());
    if (url.pathname === RULES_PATH && request.method === "POST") {
      const resetAt = this.ruleLimitReset();
      if (resetAt !== undefined) return this.rateLimited(response, record, resetAt);
      return answer(200, this.updateRules(body, url.searchParams.get("dry_run") === "true"));
    }
    if (url.pathname === USAGE_PATH && request.method === "GET") return answer(200, this.usageAnswer());
    if (url.pathname === STREAM_PATH && request.method === "GET")
      return this.connect(response, answer, Number(url.searchParams.get("backfill_minutes") ?? 0));
    return answer(404, {
      title: "Not Found Error",
      type: "about:blank",
      status: 404,
      detail: `no route ${request.method} ${url.pathname}`,
    });
  }

  /** Counts a rules POST against the limit; answers when the window frees up if it is over. */
  private ruleLimitReset(): number | undefined {
    const now = Date.now();
    while (this.rulePostTimes.length > 0 && now - (this.rulePostTimes[0] ?? now) >= RULES_WINDOW_MS)
      this.rulePostTimes.shift();
    if (this.rulePostTimes.length < this.options.ruleRequestsPer15Min) {
      this.rulePostTimes.push(now);
      return undefined;
    }
    return Math.ceil(((this.rulePostTimes[0] ?? now) + RULES_WINDOW_MS) / 1000);
  }

  private rateLimited(response: http.ServerResponse, record: RecordedRequest, resetAt: number): void {
    record.status = 429;
    response
      .writeHead(429, {
        "content-type": "application/json; charset=utf-8",
        "x-rate-limit-limit": String(this.options.ruleRequestsPer15Min),
        "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": String(resetAt),
      })
      .end(
        JSON.stringify({ title: "Too Many Requests", type: "about:blank", status: 429, detail: "Too Many Requests" }),
      );
  }

  /** X's example answer sends the figures as strings. */
  private usageAnswer(): unknown {
    const { cap, used, resetDay } = this.usage;
    return {
      data: { project_cap: String(cap), project_usage: String(used), cap_reset_day: resetDay, project_id: "1" },
    };
  }

  private listRules(): unknown {
    const data = this.rules;
    const meta = { sent: new Date().toISOString(), result_count: data.length };
    return data.length === 0 ? { meta } : { data, meta };
  }

  private updateRules(body: unknown, dryRun: boolean): unknown {
    const request = body as { add?: { value: string; tag?: string }[]; delete?: { ids: string[] } } | undefined;
    if (request?.delete) return this.deleteRules(request.delete.ids, dryRun);
    return this.addRules(request?.add ?? [], dryRun);
  }

  /** All or nothing, as X does: one refused rule and none is created. */
  private addRules(rules: readonly { value: string; tag?: string }[], dryRun: boolean): unknown {
    const errors = rules.flatMap((rule) => this.ruleErrors(rule.value));
    if (errors.length === 0 && this.ruleSet.size + rules.length > this.options.maxRules) {
      errors.push({
        title: "RulesCapExceeded",
        type: `${PROBLEMS}/rule-cap`,
        detail: `Rule cap of ${this.options.maxRules} exceeded`,
      });
    }
    const valid = rules.length - errors.length;
    const created = errors.length === 0 && !dryRun ? rules.map((rule) => this.createRule(rule)) : [];
    const summary = {
      created: created.length,
      not_created: rules.length - created.length,
      valid,
      invalid: rules.length - valid,
    };
    const data = dryRun && errors.length === 0 ? rules.map((rule) => ({ ...rule, id: "0" })) : created;
    return {
      ...(data.length > 0 ? { data } : {}),
      meta: { sent: new Date().toISOString(), summary },
      ...(errors.length > 0 ? { errors } : {}),
    };
  }

  private ruleErrors(value: string): Record<string, unknown>[] {
    const reason = invalidRuleReason(value);
    if (reason) return [{ value, details: [reason], title: "UnprocessableEntity", type: `${PROBLEMS}/invalid-rules` }];
    const duplicate = this.rules.find((rule) => rule.value === value);
    if (duplicate) return [{ value, id: duplicate.id, title: "DuplicateRule", type: `${PROBLEMS}/duplicate-rules` }];
    return [];
  }

  private createRule(rule: { value: string; tag?: string }): FakeRule {
    const created = { id: String(this.nextRuleId++), value: rule.value, ...(rule.tag ? { tag: rule.tag } : {}) };
    this.ruleSet.set(created.id, created);
    return created;
  }

  private deleteRules(ids: readonly string[], dryRun: boolean): unknown {
    const missing = ids.filter((id) => !this.ruleSet.has(id));
    if (!dryRun) for (const id of ids) this.ruleSet.delete(id);
    const errors = missing.map((id) => ({
      value: id,
      title: "Not Found Error",
      type: `${PROBLEMS}/resource-not-found`,
      detail: `rule ${id} not found`,
    }));
    const summary = { deleted: ids.length - missing.length, not_deleted: missing.length };
    return { meta: { sent: new Date().toISOString(), summary }, ...(errors.length > 0 ? { errors } : {}) };
  }

  private async connect(
    response: http.ServerResponse,
    answer: (status: number, payload?: unknown) => void,
    backfillMinutes: number,
  ): Promise<void> {
    this.streamConnects += 1;
    const failure = this.failures.shift();
    if (failure !== undefined) return answer(failure, httpProblem(failure));
    // The client may reconnect before this end has seen the old connection close: give it a moment.
    if (this.open)
      await Promise.race([this.open.closed, new Promise((resolve) => setTimeout(resolve, this.options.closeGraceMs))]);
    if (this.open) return answer(429, httpProblem(429));
    answer(200);
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.flushHeaders();
    const open: OpenStream = {
      response,
      stalled: false,
      writing: false,
      closed: new Promise((resolve) => response.on("close", () => resolve())),
      keepAlive: setInterval(() => {
        if (!open.stalled && !open.writing && this.open === open && isWritable(response)) response.write(CRLF);
      }, this.options.keepAliveMs),
    };
    this.open = open;
    this.streamsAccepted += 1;
    if (backfillMinutes > 0) this.backfill(backfillMinutes);
    void open.closed.then(() => {
      clearInterval(open.keepAlive);
      if (this.open === open) this.open = null;
    });
    this.deliver();
  }

  /** As X does: the posts of the last minutes go out again first, older first, duplicates and all. */
  private backfill(minutes: number): void {
    this.backfillRequests.push(minutes);
    const since = Date.now() - minutes * 60_000;
    const again = this.servedPosts.filter((post) => post.at >= since).map((post) => post.message);
    for (const message of again) this.backfilled.add(message);
    this.queue.unshift(...again);
  }

  /** Sends queued messages, one at a time, while a connection is open and not stalled. */
  private deliver(): void {
    this.delivering = this.delivering.then(async () => {
      for (
        let open = this.open;
        open && !open.stalled && isWritable(open.response) && this.queue.length > 0;
        open = this.open
      ) {
        const message = this.queue.shift();
        this.served.push(message);
        // A post a backfill sends again keeps the time it was first served.
        if (isPost(message) && !this.backfilled.has(message)) this.servedPosts.push({ message, at: Date.now() });
        open.writing = true;
        await this.write(open.response, Buffer.from(JSON.stringify(message) + CRLF, "utf8"));
        open.writing = false;
        // X closes the connection after an operational disconnect: what follows goes to the next one.
        if (isDisconnectMessage(message)) open.response.end();
      }
    });
  }

  private async write(response: http.ServerResponse, bytes: Buffer): Promise<void> {
    const cut = this.splitWrites ? firstCharacterCut(bytes) : -1;
    if (cut < 0) {
      if (!response.write(bytes)) await drained(response);
      return;
    }
    response.write(bytes.subarray(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 15));
    response.write(bytes.subarray(cut));
  }
}

const isPost = (message: unknown): boolean => typeof message === "object" && message !== null && "data" in message;

const isWritable = (response: http.ServerResponse): boolean => !response.writableEnded && !response.destroyed;

function isDisconnectMessage(message: unknown): boolean {
  const errors = (message as { errors?: { title?: unknown }[] } | null)?.errors;
  return Array.isArray(errors) && errors.some((error) => error.title === "operational-disconnect");
}

/** The X problem each HTTP error of the stream comes with. */
function httpProblem(status: number): unknown {
  if (status === 429) {
    return {
      title: "ConnectionException",
      detail: "This stream is currently at the maximum allowed connection limit.",
      connection_issue: "TooManyConnections",
      type: `${PROBLEMS}/streaming-connection`,
    };
  }
  if (status === 401) return { title: "Unauthorized", type: "about:blank", status, detail: "Unauthorized" };
  return { title: "Service Unavailable", type: "about:blank", status, detail: "Service Unavailable" };
}

/** Resolves when the response can take more, or is gone. */
function drained(response: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off("drain", done).off("close", done);
      resolve();
    };
    response.on("drain", done).on("close", done);
  });
}

/** A byte offset inside the first multi-byte character, or -1 when the bytes are all ASCII. */
function firstCharacterCut(bytes: Buffer): number {
  const start = bytes.findIndex((byte) => byte >= 0xc0);
  return start < 0 ? -1 : start + 1;
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

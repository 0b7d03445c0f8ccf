import http from "node:http";
import https from "node:https";
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  TwitterApi,
  type ITwitterApiClientPlugin,
} from "twitter-api-v2";
import { z } from "zod";
import { errorText } from "../../core/error-text";

/**
 * The X API client shared by the filtered-stream connection (connection.ts) and the rule sync
 * (rules.ts): one place that knows the bearer token, the base URL and how the client's errors
 * read. Nothing here ever puts the token into a message.
 */

export interface XApiConfig {
  /** The app's bearer token (X_BEARER_TOKEN). Sent in the Authorization header, never logged. */
  bearerToken: string;
  /** Where the API is (X_API_BASE_URL): a fake server in tests, a proxy in some deployments. */
  baseUrl: string;
  /** How long a REST call (the rules endpoints) may take before it counts as a network error; tests shorten it. */
  requestTimeoutMs?: number;
}

/** No variable sets it: a rules call that takes longer than this is treated as X being unreachable. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Where twitter-api-v2 sends every request; it has no base-URL option. */
const CLIENT_ORIGIN = "https://api.x.com";

/** Rewrites each request's URL to the configured base (keeping the path and query), and sets the REST timeout. */
function baseUrlPlugin(config: XApiConfig): ITwitterApiClientPlugin {
  const base = config.baseUrl.replace(/\/+$/, "");
  const rewrite = (url: string): string => {
    const parsed = new URL(url);
    return parsed.origin === CLIENT_ORIGIN ? `${base}${parsed.pathname}${parsed.search}` : url;
  };
  return {
    onBeforeRequestConfig({ params }) {
      params.url = rewrite(params.url);
      params.timeout ??= config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    },
    onBeforeStreamRequestConfig({ params }) {
      params.url = rewrite(params.url);
    },
  };
}

export type XAgent = http.Agent | https.Agent;

/** An agent for the base URL's scheme: the client sends every request through `https.request`, which needs an http agent to speak plain http. */
export function agentFor(baseUrl: string, options: http.AgentOptions = {}): XAgent {
  return new URL(baseUrl).protocol === "http:" ? new http.Agent(options) : new https.Agent(options);
}

/** A client of the configured API; pass an agent of its own to be able to cut its connections at once. */
export function xClient(config: XApiConfig, agent: XAgent = agentFor(config.baseUrl, { keepAlive: true })): TwitterApi {
  return new TwitterApi(config.bearerToken, { httpAgent: agent, plugins: [baseUrlPlugin(config)] });
}

/** An X API problem (RFC 7807), as the API sends it in an error response or a stream message. */
export const XProblem = z.looseObject({
  title: z.string().nullish(),
  detail: z.string().nullish(),
  type: z.string().nullish(),
  /** Set on a 429 of the stream: `TooManyConnections` when the app already holds its one connection. */
  connection_issue: z.string().nullish(),
});

/** What went wrong with a call, in the words the reconnect policy and the callers need. */
export type XFailure =
  /** No HTTP answer: refused, reset, timed out, or cut before the answer was complete. */
  | { kind: "network"; detail: string }
  /** `resetAt`: when X's rate-limit window ends (its `x-rate-limit-reset`, epoch seconds), when X said. */
  | { kind: "http"; status: number; detail: string; resetAt?: number };

/** Classifies an error of the client; the detail is safe to log (it never holds the token). */
export function xFailure(error: unknown, token: string): XFailure {
  if (error instanceof ApiResponseError) {
    const detail = withoutSecret(problemText(error.code, error.data), token);
    const resetAt = error.rateLimit?.reset;
    return resetAt !== undefined && Number.isFinite(resetAt)
      ? { kind: "http", status: error.code, detail, resetAt }
      : { kind: "http", status: error.code, detail };
  }
  if (error instanceof ApiRequestError)
    return { kind: "network", detail: withoutSecret(errorText(requestCause(error)), token) };
  if (error instanceof ApiPartialResponseError) return { kind: "network", detail: withoutSecret(error.message, token) };
  return { kind: "network", detail: withoutSecret(errorText(error), token) };
}

/**
 * The network error under an ApiRequestError. twitter-api-v2 1.29 stores it as `error` but its
 * `requestError` getter reads another key and answers undefined, so the stored one is read here.
 */
function requestCause(error: ApiRequestError): unknown {
  const stored = (error as unknown as { _options?: { error?: unknown } })._options?.error;
  return stored ?? error.requestError ?? error.message;
}

function problemText(status: number, data: unknown): string {
  const problem = XProblem.safeParse(data);
  if (!problem.success) return `HTTP ${status}`;
  const { title, detail, connection_issue: issue } = problem.data;
  return [`HTTP ${status}`, title, issue, detail].filter((part): part is string => !!part).join(": ");
}

/** Any text from elsewhere (an error, a server's answer) with the token cut out, should it ever echo it. */
export function withoutSecret(text: string, token: string): string {
  return token.length >= 4 ? text.split(token).join("***") : text;
}

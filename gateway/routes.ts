import { z } from "zod";
import {
  LaunchParams,
  LaunchResponse,
  RunHistory,
  RunHistoryParams,
  RunStatistics,
  StopResponse,
  TimelinePage,
  TimelineParams,
} from "../contracts/actions";
import { SeriesPage, SeriesParams } from "../contracts/series";
import { StreamEvents, StreamParams } from "../contracts/stream";
import { TopParams, TopValues } from "../contracts/top-values";
import {
  AuthorTimelinePage,
  AuthorTimelineParams,
  FollowParams,
  Follows,
  HomeTimelineParams,
  HomeTimelinePage,
  HydratedTweet,
  SubscriberParams,
  TrackTimelinePage,
  TrackTimelineParams,
  RuleTimelinePage,
  RuleTimelineParams,
  TweetParams,
} from "../contracts/timelines";
import { XUsage } from "../contracts/x-usage";
import { RunExportParams, SearchPage, SearchParams } from "../contracts/archive";
import { Liveness, Readiness, Versions } from "./health";

/**
 * Every HTTP endpoint of the gateway, in one table: the moleculer-web aliases and `/openapi.json` are
 * both built from it, so the documentation cannot drift from what is routed, and the params schemas
 * are the very ones the actions validate with. To add an endpoint, add a row.
 */

/** Endpoints the gateway answers itself rather than by calling an action of the mesh. */
export type GatewayHandlerName =
  "dashboard" | "docs" | "asset" | "stream" | "openapi" | "metrics" | "seriesCsv" | "topCsv" | "runExport";

export interface GatewayRoute {
  method: "GET" | "POST" | "DELETE";
  /** moleculer-web's path syntax: `:name` is a path parameter. */
  path: string;
  summary: string;
  /** The mesh action that answers, or the gateway's own handler. */
  target: { action: string } | { handler: GatewayHandlerName };
  /** Params, validated by the action (or handler) with this schema: from the query, the path, or a POST's JSON body. */
  params?: z.ZodType;
  /** The JSON answer; absent for the handlers answering HTML, text or an event stream. */
  response?: z.ZodType;
  /** The named events of an event stream, each with the schema of its `data`. */
  events?: Record<string, z.ZodType>;
  /** Content type of a non-JSON answer. */
  produces?: "text/html" | "text/event-stream" | "text/plain" | "text/csv" | "application/x-ndjson" | "asset";
  /** Spends the X API quota, changes the run or writes state (follows): requires the bearer token when API_TOKEN is set. */
  requiresToken?: boolean;
  /** Limited per client to LAUNCH_RATE_LIMIT a minute. */
  rateLimited?: boolean;
}

export const AssetParams = z.object({
  file: z.string().regex(/^[a-z-]+\.(js|css)$/, "file must be one of the dashboard's files"),
});

export const GATEWAY_ROUTES: readonly GatewayRoute[] = [
  {
    method: "GET",
    path: "/",
    summary: "The live dashboard: the current run, a chart of tweets per second, counts per phrase, the newest matches",
    target: { handler: "dashboard" },
    produces: "text/html",
  },
  {
    method: "GET",
    path: "/assets/:file",
    summary: "A script or style sheet of the dashboard and the docs page",
    target: { handler: "asset" },
    params: AssetParams,
    produces: "asset",
  },
  {
    method: "GET",
    path: "/stream",
    summary:
      "Server-Sent Events: `statistics` updates (at most STREAM_MAX_RATE a second, the first read for the client), matched tweets as `tweet`, `dropped` when the client fell behind; every event has an `id:`, and a reconnect with `Last-Event-ID` gets the tweets it missed, then `replay`",
    target: { handler: "stream" },
    params: StreamParams,
    events: StreamEvents,
    produces: "text/event-stream",
  },
  {
    method: "POST",
    path: "/launch",
    summary: "Starts a run with track phrases; an active run ends first",
    target: { action: "launcher.launch" },
    params: LaunchParams,
    response: LaunchResponse,
    requiresToken: true,
    rateLimited: true,
  },
  {
    method: "POST",
    path: "/stop",
    summary: "Ends the active run",
    target: { action: "launcher.stop" },
    response: StopResponse,
    requiresToken: true,
  },
  {
    method: "GET",
    path: "/statistics",
    summary: "The current run's figures, or the last run's; zeros before any run",
    target: { action: "statistics.get" },
    response: RunStatistics,
  },
  {
    method: "GET",
    path: "/statistics/runs",
    summary: "Every run, newest first, with totals across runs",
    target: { action: "statistics.runs" },
    params: RunHistoryParams,
    response: RunHistory,
  },
  {
    method: "GET",
    path: "/statistics/series",
    summary:
      "A run's matched tweets per bucket (1s, 10s, 1m, 1h), overall and per phrase, on the event or the ingest clock; every bucket present",
    target: { action: "statistics.series" },
    params: SeriesParams,
    response: SeriesPage,
  },
  {
    method: "GET",
    path: "/statistics/series.csv",
    summary: "The same series as CSV: at, amount, then a column per phrase",
    target: { handler: "seriesCsv" },
    params: SeriesParams,
    produces: "text/csv",
  },
  {
    method: "GET",
    path: "/statistics/top",
    summary:
      "A run's most counted hashtags, mentions, authors, languages, domains or phrases, over the run or the last 60s, 10m or 1h",
    target: { action: "statistics.top" },
    params: TopParams,
    response: TopValues,
  },
  {
    method: "GET",
    path: "/statistics/top.csv",
    summary: "The same top values as CSV: value, count",
    target: { handler: "topCsv" },
    params: TopParams,
    produces: "text/csv",
  },
  {
    method: "GET",
    path: "/x/usage",
    summary:
      "The X app's post usage against its monthly cap, as X reports it (read from X at most once a minute); 404 without X_BEARER_TOKEN",
    target: { action: "launcher.xUsage" },
    response: XUsage,
  },
  {
    method: "GET",
    path: "/timeline",
    summary: "A page of a run's matched tweets, newest first",
    target: { action: "timeline.get" },
    params: TimelineParams,
    response: TimelinePage,
  },
  {
    method: "GET",
    path: "/timeline/track/:phrase",
    summary: "A page of one track phrase's timeline, newest first (this run; `run_id` or `all_runs=true` for others)",
    target: { action: "timeline.track" },
    params: TrackTimelineParams,
    response: TrackTimelinePage,
  },
  {
    method: "GET",
    path: "/timeline/rule",
    summary:
      "A page of one X rule's timeline, the rule as the launch gave it in `rule` (this run; `run_id` or `all_runs=true` for others)",
    target: { action: "timeline.rule" },
    params: RuleTimelineParams,
    response: RuleTimelinePage,
  },
  {
    method: "GET",
    path: "/timeline/author/:author",
    summary: "A page of one author's matched tweets (`123` by user id, `@name` or `name` by screen name)",
    target: { action: "timeline.author" },
    params: AuthorTimelineParams,
    response: AuthorTimelinePage,
  },
  {
    method: "GET",
    path: "/timeline/home/:subscriber",
    summary: "A page of a subscriber's home timeline: matched tweets of the authors and phrases they follow",
    target: { action: "timeline.home" },
    params: HomeTimelineParams,
    response: HomeTimelinePage,
  },
  {
    method: "GET",
    path: "/search",
    summary:
      'Full-text search over the archive, newest first: `q` of words, "phrases" and -exclusions, filtered by run, phrase, language, author and time; keyset-paged by `cursor` (503 ARCHIVE_DISABLED without DATABASE_URL)',
    target: { action: "archive.search" },
    params: SearchParams,
    response: SearchPage,
  },
  {
    method: "GET",
    path: "/runs/:run_id/tweets.ndjson",
    summary:
      "Every archived tweet of a run, deleted ones as tombstones, one JSON line each in tweet id order, streamed as a download",
    target: { handler: "runExport" },
    params: RunExportParams,
    produces: "application/x-ndjson",
  },
  {
    method: "GET",
    path: "/tweets/:id",
    summary: "One stored tweet with its matched phrases (404 once expired or deleted)",
    target: { action: "timeline.tweet" },
    params: TweetParams,
    response: HydratedTweet,
  },
  {
    method: "GET",
    path: "/subscribers/:id/follows",
    summary: "The authors and track phrases a subscriber follows",
    target: { action: "timeline.follows" },
    params: SubscriberParams,
    response: Follows,
  },
  {
    method: "POST",
    path: "/subscribers/:id/follows",
    summary:
      "Follows authors and/or track phrases (at most MAX_FOLLOWS_PER_SUBSCRIBER, for MAX_SUBSCRIBERS subscribers)",
    target: { action: "timeline.follow" },
    params: FollowParams,
    response: Follows,
    requiresToken: true,
  },
  {
    method: "DELETE",
    path: "/subscribers/:id/follows",
    summary: "Unfollows authors and/or track phrases (in the query string, or a JSON body)",
    target: { action: "timeline.unfollow" },
    params: FollowParams,
    response: Follows,
    requiresToken: true,
  },
  {
    method: "GET",
    path: "/health",
    summary: "Liveness: the gateway process answers",
    target: { action: "api.health" },
    response: Liveness,
  },
  {
    method: "GET",
    path: "/ready",
    summary: "Readiness: RabbitMQ, Redis and a worker of each routed service (503 otherwise)",
    target: { action: "api.ready" },
    response: Readiness,
  },
  {
    method: "GET",
    path: "/version",
    summary: "This gateway's build and every reachable node's",
    target: { action: "api.version" },
    response: Versions,
  },
  {
    method: "GET",
    path: "/metrics",
    summary: "Prometheus text: requests, latencies, tweets, queue depths and reconnects of every node",
    target: { handler: "metrics" },
    produces: "text/plain",
  },
  { method: "GET", path: "/openapi.json", summary: "This description, OpenAPI 3.1", target: { handler: "openapi" } },
  {
    method: "GET",
    path: "/docs",
    summary: "A page rendering /openapi.json",
    target: { handler: "docs" },
    produces: "text/html",
  },
];

/** The key moleculer-web's aliases and this table share: `POST /launch`. */
export function routeKey(route: { method: GatewayRoute["method"] | "HEAD"; path: string }): string {
  return `${route.method} ${route.path}`;
}

/** Where a route's params come from, besides its path: a POST's body, else the query string. */
export function paramsLocation(route: Pick<GatewayRoute, "method">): "body" | "query" {
  return route.method === "POST" ? "body" : "query";
}

/** The `:name` parameters of a path. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_]\w*)/g)].map((match) => match[1] ?? "");
}

import type { RequestListener, Server, ServerResponse } from "node:http";
import type { CallingOptions, Context, ServiceBroker, ServiceSchema } from "moleculer";
import ApiGateway, { type ApiSettingsSchema } from "moleculer-web";
import type { Environment } from "../config/environment";
import { readBuildInfo } from "../config/build";
import { IDEMPOTENCY_KEY, RunStatistics } from "../contracts/actions";
import { METRICS } from "../core/metric-names";
import { LIVE_EVENTS, MatchedNotice, StreamParams } from "../contracts/stream";
import { parseParams } from "../contracts/validation";
import { type GatewayHandler, type GatewayRequest, matchedRoute, moleculerAliases } from "../gateway/aliases";
import { RequestAdmission } from "../gateway/admission";
import { CorsPolicy } from "../gateway/cors";
import { DashboardFiles } from "../gateway/dashboard-files";
import { explainUnconfirmedLaunch, sendHttpError } from "../gateway/errors";
import { FailedRequestLog, requestIdOf } from "../gateway/failed-requests";
import { readiness, routedServices, versions } from "../gateway/health";
import { closeGracefully, listenGateway, type ListenOptions, NAMESPACE_HEADER } from "../gateway/listener";
import { LIVE_STREAM_DEFAULTS, LiveStream } from "../gateway/live-stream";
import { observeHttpRequest, QueueDepths, registerHttpMetrics, scrapeMesh } from "../gateway/mesh-metrics";
import { openApiDocument } from "../gateway/openapi";
import { sendCsv, seriesCsv, topValuesCsv } from "../gateway/csv";
import { sendRunExport } from "../gateway/run-export";
import { type ExportPage, RunExportParams } from "../contracts/archive";
import type { TopValues } from "../contracts/top-values";
import type { SeriesPage } from "../contracts/series";
import { AssetParams, GATEWAY_ROUTES } from "../gateway/routes";
import { DRAINING_EVENT } from "../mesh/drain";
import { openPipeline, type Pipeline } from "../pipeline";
import { MeshEpoch } from "../store/epoch";
import { redisKeys } from "../store/keys";
import { connectRedis, type RedisClient } from "../store/redis";

/** How long requests in progress may take to finish once the gateway stops accepting. */
const HTTP_DRAIN_MS = 10_000;

type AliasHandler = (this: ServiceSchema, req: GatewayRequest, res: ServerResponse, alias: unknown) => Promise<unknown>;
/** moleculer-web's own alias handler, which ours runs after admission; its typings leave methods out. */
const MOLECULER_WEB_ALIAS_HANDLER = (ApiGateway as unknown as { methods: { aliasHandler: AliasHandler } }).methods
  .aliasHandler;

type GatewaySettings = Omit<ApiSettingsSchema, "rootCallOptions"> & {
  rootCallOptions: (
    this: { broker: { metrics: Parameters<typeof observeHttpRequest>[0] } },
    options: CallingOptions,
    req: GatewayRequest,
    res: ServerResponse,
  ) => void;
};

/**
 * The HTTP gateway: the endpoints of gateway/routes.ts, each a call to a service action over the
 * transporter or one of the gateway's own handlers (dashboard, live stream, metrics, OpenAPI).
 * The work lives in gateway/; this file wires it.
 */
export function apiService(env: Environment): ServiceSchema<GatewaySettings> {
  let broker: ServiceBroker;
  const admission = new RequestAdmission(GATEWAY_ROUTES, {
    apiToken: env.API_TOKEN,
    launchesPerMinute: env.LAUNCH_RATE_LIMIT,
    hasWorker: (action) => broker.registry.actions.isAvailable(action),
  });
  const cors = new CorsPolicy(env.CORS_ORIGINS);
  const files = new DashboardFiles();
  const build = readBuildInfo();
  const openApi = JSON.stringify(
    openApiDocument(
      GATEWAY_ROUTES,
      {
        title: "tweetmesh",
        version: build.version,
        description: "Launch a stream of tweets, filter it by track phrases, watch the statistics.",
      },
      { tokenRequired: admission.tokenRequired },
    ),
  );
  let redis: RedisClient;
  let server: Server | undefined;
  let draining = false;
  let pipeline: Pipeline;
  let queueDepths: QueueDepths;
  let stream: LiveStream;
  let failures: FailedRequestLog;
  let epoch: MeshEpoch;

  /** When Redis lost the mesh's state, as of a check made now (none when Redis is away). */
  async function epochLostAt(): Promise<number | null> {
    await epoch.check().catch(() => undefined);
    return epoch.stateLostAt;
  }

  /** A CSV download of an action's answer: the action validates the request's params as for its JSON route. */
  function csvExport<T>(action: string, render: (answer: T) => { fileName: string; csv: string }): GatewayHandler {
    return async (req, res) => {
      const { fileName, csv } = render(
        await broker.call<T, unknown>(action, req.$params, { requestID: req.$requestId }),
      );
      sendCsv(res, fileName, csv);
    };
  }

  return {
    name: "api",
    mixins: [ApiGateway],

    settings: {
      port: env.PORT,
      ip: "0.0.0.0",
      // The service listens itself (gateway/listener.ts): a shared port, and a drain before it stops.
      server: false,
      // One line per request is for debugging, not for an operator's default view.
      logRequest: "debug",
      logResponse: "debug",
      logRouteRegistration: "debug",
      // Runs first for every request: starts its metrics; a live stream lasts as long as its client,
      // so shutdown ends it (stopped) rather than waiting for it (context tracking).
      rootCallOptions(options, req, res) {
        observeHttpRequest(this.broker.metrics, req, res, matchedRoute);
        // One id per request, in its answer, its log line and its calls over the transporter.
        req.$requestId = requestIdOf(options.requestID);
        options.requestID = req.$requestId;
        res.setHeader("X-Request-Id", req.$requestId);
        // A launch retried with the same key answers the first attempt's run (runs/launcher.ts).
        const key = req.headers["idempotency-key"];
        if (typeof key === "string" && IDEMPOTENCY_KEY.test(key))
          options.meta = { ...options.meta, idempotencyKey: key };
        if (req.url?.startsWith("/stream")) options.tracking = false;
      },
      routes: [
        {
          path: "/",
          mappingPolicy: "restrict",
          autoAliases: false,
          // `curl -d` sends form-encoded content; the original read every body as JSON, and so do we.
          bodyParsers: { json: { strict: true, limit: "64kb", type: () => true }, urlencoded: false },
          use: [cors.middleware()],
          aliases: moleculerAliases(GATEWAY_ROUTES, {
            dashboard: (_req, res) => files.send(res, "index.html"),
            docs: (_req, res) => files.send(res, "docs.html"),
            asset: (req, res) => files.send(res, parseParams(AssetParams, req.$params).file),
            stream: (req, res) => stream.open(req, res, parseParams(StreamParams, req.$params)),
            openapi: (_req, res) => sendText(res, "application/json; charset=utf-8", openApi),
            seriesCsv: csvExport<SeriesPage>("statistics.series", (page) => ({
              fileName: `series-${page.run_id ?? "none"}-${page.clock}-${page.resolution}.csv`,
              csv: seriesCsv(page),
            })),
            topCsv: csvExport<TopValues>("statistics.top", (top) => ({
              fileName: `top-${top.run_id ?? "none"}-${top.field}-${top.window}.csv`,
              csv: topValuesCsv(top),
            })),
            runExport: (req, res) =>
              sendRunExport(
                res,
                parseParams(RunExportParams, req.$params).run_id,
                (params) => broker.call<ExportPage, unknown>("archive.export", params, { requestID: req.$requestId }),
                broker.logger,
              ),
            metrics: async (_req, res) =>
              sendText(
                res,
                "text/plain; version=0.0.4; charset=utf-8",
                await scrapeMesh(broker, queueDepths, stream.clientCount),
              ),
          }),
        },
      ],
      onError(req: GatewayRequest, res: ServerResponse, err: unknown) {
        const error = explainUnconfirmedLaunch(matchedRoute(req), err);
        sendHttpError(res, error, (failure, cause) => failures.record(req, req.$requestId ?? "-", failure, cause));
      },
    },

    actions: {
      /** Liveness: the gateway process answers. */
      health: {
        handler(ctx: Context<unknown, { $responseHeaders?: Record<string, string> }>) {
          // Names this mesh, for a gateway about to share the port (gateway/listener.ts).
          ctx.meta.$responseHeaders = { [NAMESPACE_HEADER]: env.NAMESPACE };
          return { status: "ok" };
        },
      },
      /** Readiness: not draining, RabbitMQ, Redis and a worker of each routed service; 503 otherwise. */
      ready: {
        async handler(ctx: Context<unknown, { $statusCode?: number }>) {
          const answer = await readiness(
            this.broker,
            redis,
            draining,
            await epochLostAt(),
            routedServices(env.DATABASE_URL !== undefined),
          );
          if (!answer.ready) ctx.meta.$statusCode = 503;
          return answer;
        },
      },
      /** This node's build and every reachable node's. */
      version: {
        handler() {
          return versions(this.broker);
        },
      },
    },

    events: {
      /**
       * Leaving: say not ready, give load balancers DRAIN_DELAY_MS to notice, end the live streams
       * (EventSource reconnects, to another worker), then stop accepting and finish the requests in hand.
       */
      async [DRAINING_EVENT]() {
        draining = true;
        if (env.DRAIN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, env.DRAIN_DELAY_MS));
        stream?.stop();
        if (server) await closeGracefully(server, HTTP_DRAIN_MS);
        this.logger.info("API Gateway drained");
      },
      /** Figures changed (a statistics worker counted, a run started or ended): /stream sends them at its next tick. */
      [LIVE_EVENTS.counted]() {
        stream?.counted();
      },
      "launcher.runChanged"() {
        stream?.counted();
      },
      /** Matched tweets stored by a timeline worker: pushed to the /stream clients they interest. */
      [LIVE_EVENTS.matched](ctx: Context<unknown>) {
        const notice = MatchedNotice.safeParse(ctx.params);
        if (notice.success) stream?.matched(notice.data);
      },
    },

    methods: {
      /**
       * Admission (gateway/admission.ts) runs once the body is parsed and the alias matched, and before
       * moleculer-web resolves the action's endpoint, which logs a warning for every call of an action
       * that no worker serves.
       */
      aliasHandler(this: ServiceSchema, req: GatewayRequest, res: ServerResponse, alias: unknown): Promise<unknown> {
        admission.admit(req);
        return MOLECULER_WEB_ALIAS_HANDLER.call(this, req, res, alias);
      },
      /**
       * Every error goes to onError as it is: moleculer-web's own handler would first log as a
       * server error whatever carries no HTTP status (a body that does not gunzip), which onError
       * answers as the 4xx it is.
       */
      errorHandler(
        this: { sendError(req: GatewayRequest, res: ServerResponse, err: unknown): void },
        req: GatewayRequest,
        res: ServerResponse,
        err: unknown,
      ) {
        this.sendError(req, res, err);
      },
    },

    created() {
      broker = this.broker;
      failures = new FailedRequestLog(this.logger);
      registerHttpMetrics(this.broker.metrics);
      this.broker.metrics.register({
        name: METRICS.streamStalledDisconnects,
        type: "counter",
        description: "/stream clients disconnected because they took nothing for STREAM_STALL_SECS",
      });
    },

    async started() {
      redis = connectRedis(env.REDIS, this.logger);
      epoch = new MeshEpoch(redis, redisKeys(env.NAMESPACE, { hashTags: env.REDIS.cluster }), this.logger);
      pipeline = openPipeline(env, this.logger);
      queueDepths = new QueueDepths(pipeline.connection, pipeline.topology);
      // The queue depths wait for RabbitMQ; the gateway answers meanwhile.
      pipeline.connection.start().catch(() => undefined);
      stream = new LiveStream(
        async () => RunStatistics.parse(await this.broker.call("statistics.get")),
        {
          ...LIVE_STREAM_DEFAULTS,
          maxRate: env.STREAM_MAX_RATE,
          clientBufferBytes: env.STREAM_BUFFER,
          stallTimeoutMs: env.STREAM_STALL_SECS * 1000,
        },
        this.logger,
        { stalledClientCut: () => this.broker.metrics.increment(METRICS.streamStalledDisconnects) },
      );
      stream.start();
      const handler = (this as unknown as { httpHandler: RequestListener }).httpHandler;
      server = await listenGateway(handler, gatewayListenOptions(env));
      // As moleculer-web keeps it: the service's `server` is its HTTP server.
      Object.assign(this, { server });
      this.logger.info(`API Gateway listening on http://0.0.0.0:${env.PORT}`);
    },

    async stopped() {
      // moleculer-web regenerates its aliases, and broadcasts that it did, 500 ms after the services
      // change (a debounced timer). A stopped gateway still hears other nodes leave: it must do
      // neither any more.
      stopAliasRegeneration(this);
      stream?.stop();
      if (server) await closeGracefully(server, HTTP_DRAIN_MS);
      await pipeline?.connection.close();
      redis?.disconnect();
    },
  };
}

/** Cancels moleculer-web's pending alias regeneration and makes later ones do nothing. */
function stopAliasRegeneration(service: object): void {
  const gateway = service as { regenerateAllAutoAliases?: { (): void; cancel?: () => void } };
  gateway.regenerateAllAutoAliases?.cancel?.();
  gateway.regenerateAllAutoAliases = Object.assign(() => undefined, { cancel: () => undefined });
}

/** Where the gateway listens (PORT on every address), and whether it shares the port (GATEWAY_SHARE_PORT). */
export function gatewayListenOptions(env: Environment): ListenOptions {
  return { port: env.PORT, host: "0.0.0.0", sharePort: env.GATEWAY_SHARE_PORT, namespace: env.NAMESPACE };
}

function sendText(res: ServerResponse, contentType: string, text: string): void {
  res.writeHead(200, { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

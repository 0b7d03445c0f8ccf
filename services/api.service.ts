import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import type { Context, ServiceSchema } from "moleculer";
import ApiGateway, { type ApiSettingsSchema } from "moleculer-web";
import type { Environment } from "../config/environment";
import { httpError, notAnObjectBody } from "../gateway/errors";
import { readiness, versions } from "../gateway/health";
import { closeGracefully, listenShared } from "../gateway/listener";
import { DRAINING_EVENT } from "../lifecycle/drain";
import { connectRedis } from "../store/redis";

/** How long requests in progress may take to finish once the gateway stops accepting. */
const HTTP_DRAIN_MS = 10_000;

/**
 * The HTTP gateway: the routes of the original Nameko project (`/launch`, `/statistics`) and the
 * mesh's other read endpoints, each a call to a service action over the transporter.
 */
export function apiService(env: Environment): ServiceSchema<ApiSettingsSchema> {
  let redis: Redis;
  let server: Server | undefined;
  let draining = false;

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
      routes: [
        {
          path: "/",
          mappingPolicy: "restrict",
          autoAliases: false,
          // `curl -d` sends form-encoded content; the original read every body as JSON, and so do we.
          bodyParsers: { json: { strict: true, limit: "64kb", type: () => true }, urlencoded: false },
          onBeforeCall(_ctx: unknown, _route: unknown, req: IncomingMessage & { body?: unknown }) {
            if (req.body !== undefined && (typeof req.body !== "object" || Array.isArray(req.body))) throw notAnObjectBody();
          },
          aliases: {
            "POST /launch": "launcher.launch",
            "POST /stop": "launcher.stop",
            "GET /statistics": "statistics.get",
            "GET /statistics/runs": "statistics.runs",
            "GET /timeline": "timeline.get",
            // Timelines and follows: path params (`:phrase`, `:id`…) join the query and the body in
            // ctx.params and win over them; DELETE reads its body as POST does, or the query string.
            "GET /timeline/track/:phrase": "timeline.track",
            "GET /timeline/author/:author": "timeline.author",
            "GET /timeline/home/:subscriber": "timeline.home",
            "GET /tweets/:id": "timeline.tweet",
            "GET /subscribers/:id/follows": "timeline.follows",
            "POST /subscribers/:id/follows": "timeline.follow",
            "DELETE /subscribers/:id/follows": "timeline.unfollow",
            "GET /health": "api.health",
            "GET /ready": "api.ready",
            "GET /version": "api.version",
          },
        },
      ],
      onError(this: { logger: { error(...args: unknown[]): void } }, req: IncomingMessage, res: ServerResponse, err: unknown) {
        const error = httpError(err);
        if (error.code >= 500) this.logger.error(`${req.method} ${req.url} failed:`, err);
        const body = { name: error.name, message: error.code === 500 ? "internal error" : error.message, code: error.code, type: error.type, data: error.data };
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        res.writeHead(error.code);
        res.end(JSON.stringify(body));
      },
    },

    actions: {
      /** Liveness: the gateway process answers. */
      health: { handler: () => ({ status: "ok" }) },
      /** Readiness: RabbitMQ, Redis and a worker of each routed service; 503 otherwise. */
      ready: {
        async handler(ctx: Context<unknown, { $statusCode?: number }>) {
          const answer = await readiness(this.broker, redis, draining);
          if (!answer.ready) ctx.meta.$statusCode = 503;
          return answer;
        },
      },
      /** This node's build and every reachable node's. */
      version: { handler() { return versions(this.broker); } },
    },

    events: {
      /** Leaving: say not ready, give load balancers DRAIN_DELAY_MS to notice, then stop accepting and finish the requests in hand. */
      async [DRAINING_EVENT]() {
        draining = true;
        if (env.DRAIN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, env.DRAIN_DELAY_MS));
        if (server) await closeGracefully(server, HTTP_DRAIN_MS);
        this.logger.info("API Gateway drained");
      },
    },

    async started() {
      redis = connectRedis(env.REDIS_URL, this.logger);
      server = await listenShared((this as unknown as { httpHandler: RequestListener }).httpHandler, env.PORT, "0.0.0.0");
      // As moleculer-web keeps it: the service's `server` is its HTTP server.
      Object.assign(this, { server });
      this.logger.info(`API Gateway listening on http://0.0.0.0:${env.PORT}`);
    },

    async stopped() {
      if (server) await closeGracefully(server, HTTP_DRAIN_MS);
      redis?.disconnect();
    },
  };
}

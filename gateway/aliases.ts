import type { IncomingMessage, ServerResponse } from "node:http";
import { type GatewayHandlerName, type GatewayRoute, routeKey } from "./routes";

/** A request as moleculer-web hands it on: its merged params, and the alias it matched. */
export type GatewayRequest = IncomingMessage & {
  body?: unknown;
  $params?: unknown;
  $alias?: { gatewayRoute?: string };
  /** Set first for every request (api.service.ts `rootCallOptions`). */
  $requestId?: string;
};

/** A gateway-served endpoint: answers the request itself, or throws (the gateway's onError answers). */
export type GatewayHandler = (req: GatewayRequest, res: ServerResponse) => Promise<void> | void;

type AliasHandler = (req: GatewayRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

/** moleculer-web's alias objects: each carries its table key, for the checks done before the call. */
export type MoleculerAlias = { action: string; gatewayRoute: string } | { handler: AliasHandler; gatewayRoute: string };

/**
 * The route table as moleculer-web aliases (`"POST /launch": {...}`). A handler's error goes to
 * `next`, which hands it to the gateway's error answer; on success a handler has answered and
 * `next` is not called.
 */
export function moleculerAliases(
  routes: readonly GatewayRoute[],
  handlers: Record<GatewayHandlerName, GatewayHandler>,
): Record<string, MoleculerAlias> {
  return Object.fromEntries(
    routes.flatMap((route): [string, MoleculerAlias][] => {
      const gatewayRoute = routeKey(route);
      const alias = aliasOf(route, gatewayRoute, handlers);
      // Every GET answers HEAD too, as HTTP asks: the same status and headers (Node sends no body).
      return route.method === "GET"
        ? [
            [gatewayRoute, alias],
            [routeKey({ method: "HEAD", path: route.path }), alias],
          ]
        : [[gatewayRoute, alias]];
    }),
  );
}

function aliasOf(
  route: GatewayRoute,
  gatewayRoute: string,
  handlers: Record<GatewayHandlerName, GatewayHandler>,
): MoleculerAlias {
  if ("action" in route.target) return { action: route.target.action, gatewayRoute };
  const handle = handlers[route.target.handler];
  const handler: AliasHandler = (req, res, next) => {
    Promise.resolve()
      .then(() => handle(req, res))
      .catch(next);
  };
  return { handler, gatewayRoute };
}

/** The table key of the route a request matched, or `unmatched`. */
export function matchedRoute(req: GatewayRequest): string {
  return req.$alias?.gatewayRoute ?? "unmatched";
}

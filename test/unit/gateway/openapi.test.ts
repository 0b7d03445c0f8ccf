import { z } from "zod";
import { LaunchParams } from "../../../contracts/actions";
import { moleculerAliases } from "../../../gateway/aliases";
import { openApiDocument } from "../../../gateway/openapi";
import { GATEWAY_ROUTES, type GatewayRoute, routeKey } from "../../../gateway/routes";

type Operation = {
  summary: string;
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  requestBody?: {
    content: { "application/json": { schema: { properties: Record<string, unknown>; required: string[] } } };
  };
  responses: Record<string, { headers?: Record<string, unknown> }>;
  security?: unknown[];
};

const info = { title: "t", version: "1.0.0", description: "d" };
const documented = (tokenRequired: boolean) =>
  openApiDocument(GATEWAY_ROUTES, info, { tokenRequired }) as { paths: Record<string, Record<string, Operation>> };

describe("/openapi.json", () => {
  it("describes every route of the table, and the aliases route exactly those, each GET also as HEAD", () => {
    const paths = documented(false).paths;
    const described = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = GATEWAY_ROUTES.map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    expect(described.sort()).toEqual(routed.sort());
    const noop = () => undefined;
    const aliases = moleculerAliases(GATEWAY_ROUTES, {
      dashboard: noop,
      docs: noop,
      seriesCsv: noop,
      topCsv: noop,
      runExport: noop,
      asset: noop,
      stream: noop,
      openapi: noop,
      metrics: noop,
    });
    const heads = GATEWAY_ROUTES.filter((route) => route.method === "GET").map((route) =>
      routeKey({ method: "HEAD", path: route.path }),
    );
    expect(Object.keys(aliases).sort()).toEqual([...GATEWAY_ROUTES.map(routeKey), ...heads].sort());
  });

  it("documents /launch's body from the schema that validates it", () => {
    const launch = documented(false).paths["/launch"]?.post;
    const body = launch?.requestBody?.content["application/json"].schema;
    // Track, rules or both: the schema's refinement, which JSON Schema's `required` cannot say alone.
    expect(body?.required).toBeUndefined();
    expect(Object.keys(body?.properties ?? {})).toEqual(expect.arrayContaining(["track", "rules"]));
    expect(Object.keys(body?.properties ?? {}).sort()).toEqual(Object.keys(LaunchParams.shape).sort());
    expect(launch?.responses["422"]).toBeDefined();
    expect(launch?.responses["429"]?.headers).toHaveProperty("Retry-After");
  });

  it("documents query and path parameters with their rules", () => {
    const paths = documented(false).paths;
    const limit = paths["/timeline"]?.get?.parameters?.find((parameter) => parameter.name === "limit");
    expect(limit).toMatchObject({ in: "query", required: false, schema: { minimum: 1, maximum: 200 } });
    expect(paths["/assets/{file}"]?.get?.parameters).toEqual([
      expect.objectContaining({ name: "file", in: "path", required: true }),
    ]);
  });

  it("lists the events of /stream with the schema of each one's data", () => {
    const stream = documented(false).paths["/stream"]?.get?.responses["200"] as {
      content: Record<string, { "x-events": Record<string, { properties?: Record<string, unknown> }> }>;
    };
    const events = stream.content["text/event-stream"]?.["x-events"] ?? {};
    expect(Object.keys(events).sort()).toEqual(["dropped", "replay", "statistics", "tweet"]);
    expect(events.statistics?.properties).toHaveProperty("amount");
  });

  it("requires the bearer token on /launch and /stop only when the gateway has one", () => {
    expect(documented(false).paths["/launch"]?.post?.security).toBeUndefined();
    const guarded = documented(true).paths;
    expect(guarded["/launch"]?.post?.security).toEqual([{ apiToken: [] }]);
    expect(guarded["/stop"]?.post?.responses["401"]).toBeDefined();
    expect(guarded["/statistics"]?.get?.security).toBeUndefined();
  });

  it("takes a new row of the table as it is", () => {
    const route: GatewayRoute = {
      method: "DELETE",
      path: "/subscribers/:id/follows",
      summary: "unfollow",
      target: { action: "timeline.unfollow" },
      params: z.object({ id: z.string(), author: z.string() }),
    };
    const operation = (
      openApiDocument([route], info, { tokenRequired: false }) as { paths: Record<string, Record<string, Operation>> }
    ).paths["/subscribers/{id}/follows"]?.delete;
    expect(operation?.parameters?.map((parameter) => [parameter.name, parameter.in])).toEqual([
      ["id", "path"],
      ["author", "query"],
    ]);
  });
});

import { z } from "zod";
import { type GatewayRoute, paramsLocation, pathParameters } from "./routes";

/**
 * `/openapi.json`, built from the route table and the zod schemas the actions validate with: what is
 * documented is what is checked. Params are described as a client sends them (`io: "input"`),
 * answers as the gateway sends them.
 */

type JsonSchema = Record<string, unknown>;

/** Every error the gateway answers: see gateway/errors.ts. */
const HttpErrorBody = z.object({
  name: z.string(),
  message: z.string().describe("`field: rule; …` for a validation error"),
  code: z.number().int(),
  type: z
    .string()
    .describe(
      "machine-readable: INVALID_JSON, VALIDATION_ERROR, UNAUTHORIZED, RATE_LIMITED, BODY_TOO_LARGE, NOT_FOUND, …",
    ),
  data: z.unknown().describe("for VALIDATION_ERROR, the list of {field, rule, message}"),
});

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

/** This gateway's configuration, which decides what some endpoints require. */
export interface ApiPolicy {
  /** API_TOKEN is set: the endpoints that spend quota require it. */
  tokenRequired: boolean;
}

export function openApiDocument(routes: readonly GatewayRoute[], info: ApiInfo, policy: ApiPolicy): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]\w*)/g, "{$1}");
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, policy) };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { HttpError: jsonSchema(HttpErrorBody, "output") },
      securitySchemes: { apiToken: { type: "http", scheme: "bearer", description: "the gateway's API_TOKEN" } },
    },
  };
}

function operation(route: GatewayRoute, policy: ApiPolicy): JsonSchema {
  const guarded = route.requiresToken === true && policy.tokenRequired;
  const params = route.params ? jsonSchema(route.params, "input") : undefined;
  const inPath = new Set(pathParameters(route.path));
  const properties = (params?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((params?.required ?? []) as string[]);
  const parameters = Object.entries(properties)
    .filter(([name]) => inPath.has(name) || paramsLocation(route) === "query")
    .map(([name, schema]) => ({
      name,
      in: inPath.has(name) ? "path" : "query",
      required: inPath.has(name) || required.has(name),
      schema,
    }));
  const body =
    params && paramsLocation(route) === "body"
      ? { required: true, content: { "application/json": { schema: params } } }
      : undefined;
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? "").toUpperCase()) || "Root"}`,
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    ...(guarded ? { security: [{ apiToken: [] }] } : {}),
    responses: responses(route, params !== undefined, guarded),
  };
}

function responses(route: GatewayRoute, hasParams: boolean, guarded: boolean): Record<string, JsonSchema> {
  const error = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/HttpError" } } },
  });
  const answers: Record<string, JsonSchema> = { "200": success(route) };
  if (paramsLocation(route) === "body") {
    answers["400"] = error("INVALID_JSON: the body is not a JSON object");
    answers["413"] = error("BODY_TOO_LARGE: the body is over 64 KiB");
  }
  if (guarded) answers["401"] = error("UNAUTHORIZED: API_TOKEN is set and the request does not carry it");
  if (hasParams) answers["422"] = error("VALIDATION_ERROR: a param breaks its rule");
  if (route.rateLimited)
    answers["429"] = {
      ...error("RATE_LIMITED: too many requests from this client"),
      headers: { "Retry-After": { description: "seconds to wait", schema: { type: "integer" } } },
    };
  if ("action" in route.target) answers["503"] = error("SERVICE_NOT_AVAILABLE: no worker of the service answers");
  return answers;
}

function success(route: GatewayRoute): JsonSchema {
  if (route.response)
    return { description: "OK", content: { "application/json": { schema: jsonSchema(route.response, "output") } } };
  switch (route.produces) {
    case "text/html":
      return { description: "OK", content: { "text/html": { schema: { type: "string" } } } };
    case "text/event-stream": {
      // OpenAPI has no words for the events of a stream: an extension lists each event's `data`.
      const events = Object.fromEntries(
        Object.entries(route.events ?? {}).map(([name, schema]) => [name, jsonSchema(schema, "output")]),
      );
      return {
        description: "An endless event stream",
        content: { "text/event-stream": { schema: { type: "string" }, "x-events": events } },
      };
    }
    case "text/plain":
      return { description: "OK", content: { "text/plain": { schema: { type: "string" } } } };
    case "text/csv":
      return { description: "A CSV file with a header row", content: { "text/csv": { schema: { type: "string" } } } };
    case "application/x-ndjson":
      return {
        description: "A file of JSON lines, one archived tweet each",
        content: { "application/x-ndjson": { schema: { type: "string" } } },
      };
    case "asset":
      return {
        description: "OK",
        content: {
          "application/javascript": { schema: { type: "string" } },
          "text/css": { schema: { type: "string" } },
        },
      };
    default:
      return { description: "OK", content: { "application/json": { schema: { type: "object" } } } };
  }
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  // `unrepresentable: "any"`: a transform (a comma-separated track) is documented by what it accepts after it.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

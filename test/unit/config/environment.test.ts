import { readEnvironment, redactUrl } from "../../../config/environment";

describe("environment", () => {
  it("has defaults that work against local RabbitMQ and Redis", () => {
    const env = readEnvironment({});
    expect(env).toMatchObject({
      TRANSPORTER: ["amqp://guest:guest@127.0.0.1:5672"],
      PIPELINE_URL: ["amqp://guest:guest@127.0.0.1:5672"],
      QUEUE_REPLICAS: 1,
      REDIS_URL: "redis://127.0.0.1:6379",
      PORT: 8004,
      SERVICES: ["api", "launcher", "filter", "statistics", "timeline", "archive"],
      STREAM_SOURCE: "generator",
      REPLAY_RATE: 0,
    });
  });

  it("streams from the X API when only a bearer token is given", () => {
    expect(readEnvironment({ X_BEARER_TOKEN: "t0ken" }).STREAM_SOURCE).toBe("x");
    expect(readEnvironment({ X_BEARER_TOKEN: "t0ken", STREAM_SOURCE: "generator" }).STREAM_SOURCE).toBe("generator");
  });

  it("never echoes the bearer token in an error", () => {
    expect(() => readEnvironment({ X_BEARER_TOKEN: "s3cret-t0ken", PORT: "x" })).toThrow(/^(?!.*s3cret-t0ken)/);
  });

  it("reads a comma-separated service list", () => {
    expect(readEnvironment({ SERVICES: "filter, statistics" }).SERVICES).toEqual(["filter", "statistics"]);
  });

  it("treats empty variables as unset", () => {
    expect(readEnvironment({ PORT: "" }).PORT).toBe(8004);
  });

  it.each([
    [{ PORT: "eighty" }, /^invalid configuration: PORT: /],
    [{ SERVICES: "filter,billing" }, /^invalid configuration: SERVICES: SERVICES names one of: api, launcher/],
    [
      { STREAM_SOURCE: "firehose" },
      /^invalid configuration: STREAM_SOURCE: STREAM_SOURCE must be generator, replay or x$/,
    ],
    [{ STREAM_SOURCE: "x" }, /^invalid configuration: X_BEARER_TOKEN: X_BEARER_TOKEN must be set for STREAM_SOURCE x$/],
    [{ X_API_BASE_URL: "ftp://example" }, /^invalid configuration: X_API_BASE_URL: /],
    [{ GENERATOR_RATE: "0" }, /^invalid configuration: GENERATOR_RATE: GENERATOR_RATE must be greater than 0$/],
    [{ REPLAY_RATE: "-1" }, /^invalid configuration: REPLAY_RATE: REPLAY_RATE must be 0 or more$/],
    [
      { TRANSPORTER: "nats://127.0.0.1:4222" },
      /^invalid configuration: TRANSPORTER: TRANSPORTER must be an amqp:\/\/ or amqps:\/\/ URL, or a comma-separated list of them$/,
    ],
    [{ NAMESPACE: "a b" }, /^invalid configuration: NAMESPACE: /],
    [
      { REDIS_URL: "redis://:secret@127.0.0.1:99999" },
      /^invalid configuration: REDIS_URL: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL with a host and a port of 1 to 65535$/,
    ],
    [{ REDIS_URL: "127.0.0.1:6379" }, /^invalid configuration: REDIS_URL: /],
    [{ REDIS_URL: "redis://127.0.0.1:0" }, /^invalid configuration: REDIS_URL: /],
    [
      { TRANSPORTER: "amqp://guest:secret@127.0.0.1:70000" },
      /^invalid configuration: TRANSPORTER: TRANSPORTER must be an amqp:\/\/ or amqps:\/\/ URL, or a comma-separated list of them$/,
    ],
  ])("rejects %j with one line naming the variable", (env, message) => {
    expect(() => readEnvironment(env)).toThrow(message);
  });

  it("has the gateway's defaults: no token, 10 launches a minute, no CORS, 10 stream updates a second", () => {
    const env = readEnvironment({});
    expect(env.API_TOKEN).toBeUndefined();
    expect(env).toMatchObject({ LAUNCH_RATE_LIMIT: 10, CORS_ORIGINS: [], STREAM_MAX_RATE: 10 });
    expect(readEnvironment({ CORS_ORIGINS: "https://a.example, http://localhost:3000" }).CORS_ORIGINS).toEqual([
      "https://a.example",
      "http://localhost:3000",
    ]);
  });

  it.each([
    [{ STREAM_MAX_RATE: "0" }, /^invalid configuration: STREAM_MAX_RATE: STREAM_MAX_RATE must be at least 1$/],
    [{ STREAM_MAX_RATE: "61" }, /^invalid configuration: STREAM_MAX_RATE: STREAM_MAX_RATE must be at most 60$/],
    [{ CORS_ORIGINS: "https://a.example/path" }, /^invalid configuration: CORS_ORIGINS: /],
    [{ LAUNCH_RATE_LIMIT: "-1" }, /^invalid configuration: LAUNCH_RATE_LIMIT: /],
    [{ API_TOKEN: "short-s3cret" }, /^invalid configuration: API_TOKEN: API_TOKEN must be at least 16 characters$/],
  ])("rejects gateway setting %j", (env, message) => {
    expect(() => readEnvironment(env)).toThrow(message);
  });

  it("never puts a credential of a bad URL in its message", () => {
    expect(() => readEnvironment({ TRANSPORTER: "http://user:s3cret@host" })).toThrow(/^(?!.*s3cret)/);
    expect(() => readEnvironment({ PIPELINE_URL: "amqp://u:s3cret@a:5672,http://u:s3cret@b" })).toThrow(
      /^invalid configuration: PIPELINE_URL: (?!.*s3cret)/,
    );
  });
});

describe("a RabbitMQ cluster's URLs", () => {
  const nodes = ["amqp://u:p@rabbit-1:5672", "amqp://u:p@rabbit-2:5672", "amqps://u:p@rabbit-3:5671/vhost"];

  it("reads TRANSPORTER and PIPELINE_URL as comma-separated lists, in their order", () => {
    const env = readEnvironment({ TRANSPORTER: ` ${nodes[0]} ,${nodes[1]},`, PIPELINE_URL: nodes.join(",") });
    expect(env.TRANSPORTER).toEqual(nodes.slice(0, 2));
    expect(env.PIPELINE_URL).toEqual(nodes);
  });

  it("gives the pipeline TRANSPORTER's nodes when PIPELINE_URL is unset", () => {
    expect(readEnvironment({ TRANSPORTER: nodes.join(",") }).PIPELINE_URL).toEqual(nodes);
  });

  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
    [5, 3],
  ])("declares queues of %i pipeline nodes with min(3, nodes) = %i replicas", (count, replicas) => {
    const urls = Array.from({ length: count }, (_, i) => `amqp://rabbit-${i}:5672`).join(",");
    expect(readEnvironment({ PIPELINE_URL: urls }).QUEUE_REPLICAS).toBe(replicas);
  });

  it("counts the pipeline's nodes, not the transporter's, and lets QUEUE_REPLICAS decide", () => {
    expect(readEnvironment({ TRANSPORTER: nodes.join(","), PIPELINE_URL: nodes[0] }).QUEUE_REPLICAS).toBe(1);
    expect(readEnvironment({ PIPELINE_URL: nodes.join(","), QUEUE_REPLICAS: "1" }).QUEUE_REPLICAS).toBe(1);
    expect(readEnvironment({ QUEUE_REPLICAS: "5" }).QUEUE_REPLICAS).toBe(5);
  });

  it.each([
    [
      { TRANSPORTER: `${nodes[0]},nats://rabbit-2:4222` },
      /^invalid configuration: TRANSPORTER: TRANSPORTER must be an/,
    ],
    [{ PIPELINE_URL: " , " }, /^invalid configuration: PIPELINE_URL: PIPELINE_URL must name at least one amqp:\/\//],
    [{ QUEUE_REPLICAS: "0" }, /^invalid configuration: QUEUE_REPLICAS: QUEUE_REPLICAS must be greater than 0$/],
    [{ QUEUE_REPLICAS: "2.5" }, /^invalid configuration: QUEUE_REPLICAS: QUEUE_REPLICAS must be a whole number$/],
  ])("rejects %j", (env, message) => {
    expect(() => readEnvironment(env)).toThrow(message);
  });
});

describe("redactUrl", () => {
  it("hides user and password", () => {
    expect(redactUrl("amqp://guest:s3cret@rabbit:5672/vhost")).toBe("amqp://***:***@rabbit:5672/vhost");
  });

  it("keeps a URL without credentials as it is", () => {
    expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("redacts every URL of a list, given as an array or as TRANSPORTER's comma-separated text", () => {
    const redacted = "amqp://***:***@rabbit-1:5672,amqp://rabbit-2:5672,amqps://***:***@rabbit-3:5671/v";
    expect(
      redactUrl(["amqp://a:s3cret@rabbit-1:5672", "amqp://rabbit-2:5672", "amqps://b:s3cret@rabbit-3:5671/v"]),
    ).toBe(redacted);
    expect(redactUrl("amqp://a:s3cret@rabbit-1:5672,amqp://rabbit-2:5672,amqps://b:s3cret@rabbit-3:5671/v")).toBe(
      redacted,
    );
  });

  it("keeps a comma inside one URL's query", () => {
    expect(redactUrl("postgres://u:s3cret@db:5432/tweets?options=a,b")).toBe(
      "postgres://***:***@db:5432/tweets?options=a,b",
    );
  });

  it("says nothing of an unparseable URL", () => {
    expect(redactUrl("not a url with s3cret")).toBe("(unparseable URL)");
  });
});

describe("a Redis Cluster's nodes", () => {
  it("uses REDIS_URL, with no replica to wait for, unless REDIS_CLUSTER_NODES is set", () => {
    expect(readEnvironment({})).toMatchObject({
      REDIS: { variable: "REDIS_URL", urls: ["redis://127.0.0.1:6379"], cluster: false },
      REDIS_MIN_REPLICAS: 0,
      REDIS_WAIT_TIMEOUT_MS: 1000,
    });
  });

  it("reads host:port pairs and redis:// URLs, in order, and waits for one replica by default", () => {
    const env = readEnvironment({
      REDIS_CLUSTER_NODES: " redis-1:7000, rediss://u:p%2Cw@redis-2:7001 ,",
      REDIS_URL: "redis://other:6379",
    });
    expect(env.REDIS).toEqual({
      variable: "REDIS_CLUSTER_NODES",
      urls: ["redis://redis-1:7000", "rediss://u:p%2Cw@redis-2:7001"],
      cluster: true,
    });
    expect(env.REDIS_MIN_REPLICAS).toBe(1);
    expect(readEnvironment({ REDIS_CLUSTER_NODES: "a:1", REDIS_MIN_REPLICAS: "0" }).REDIS_MIN_REPLICAS).toBe(0);
    expect(readEnvironment({ REDIS_MIN_REPLICAS: "2" }).REDIS_MIN_REPLICAS).toBe(2);
  });

  it.each([
    [
      { REDIS_CLUSTER_NODES: "redis-1:70000" },
      /^invalid configuration: REDIS_CLUSTER_NODES: REDIS_CLUSTER_NODES must be comma-separated host:port pairs or redis:\/\/ URLs, each port 1 to 65535$/,
    ],
    [
      { REDIS_CLUSTER_NODES: "http://u:s3cret@redis-1:7000" },
      /^invalid configuration: REDIS_CLUSTER_NODES: (?!.*s3cret)/,
    ],
    [
      { REDIS_CLUSTER_NODES: " , " },
      /^invalid configuration: REDIS_CLUSTER_NODES: REDIS_CLUSTER_NODES must name at least one host:port$/,
    ],
    [{ REDIS_MIN_REPLICAS: "-1" }, /^invalid configuration: REDIS_MIN_REPLICAS: REDIS_MIN_REPLICAS must be 0 or more$/],
    [
      { REDIS_WAIT_TIMEOUT_MS: "5000" },
      /^invalid configuration: REDIS_WAIT_TIMEOUT_MS: REDIS_WAIT_TIMEOUT_MS must be at most 4000$/,
    ],
  ])("rejects %j with one line naming the variable", (env, message) => {
    expect(() => readEnvironment(env)).toThrow(message);
  });

  it("redacts every node's credentials in logs", () => {
    expect(redactUrl(readEnvironment({ REDIS_CLUSTER_NODES: "redis://:s3cret@a:7000,b:7001" }).REDIS.urls)).toBe(
      "redis://:***@a:7000,redis://b:7001",
    );
  });
});

import { metricName, renderPrometheus } from "../../../gateway/prometheus";

describe("Prometheus text", () => {
  it("names counters with _total and replaces dots", () => {
    expect(metricName("tweetmesh.pipeline.messages", "counter")).toBe("tweetmesh_pipeline_messages_total");
    expect(metricName("moleculer.request.total", "counter")).toBe("moleculer_request_total");
    expect(metricName("process.memory.rss", "gauge")).toBe("process_memory_rss");
  });

  it("renders each family once with every node's series, labelled by node", () => {
    const counter = (value: number) => ({
      name: "tweetmesh.tweets",
      type: "counter",
      description: "Tweets",
      values: [{ labels: { stage: "counted" }, value }],
    });
    const text = renderPrometheus([
      { node: "statistics-1", metrics: [counter(3)] },
      { node: "statistics-2", metrics: [counter(4)] },
    ]);
    expect(text).toBe(
      [
        "# HELP tweetmesh_tweets_total Tweets",
        "# TYPE tweetmesh_tweets_total counter",
        'tweetmesh_tweets_total{stage="counted",node="statistics-1"} 3',
        'tweetmesh_tweets_total{stage="counted",node="statistics-2"} 4',
        "",
      ].join("\n"),
    );
  });

  it("renders histograms with cumulative buckets, +Inf, sum and count", () => {
    const text = renderPrometheus([
      {
        node: "api",
        metrics: [
          {
            name: "tweetmesh.http.request.duration",
            type: "histogram",
            values: [{ labels: { route: "GET /" }, count: 3, sum: 0.7, buckets: { "1": 3, "0.1": 1 } }],
          },
        ],
      },
    ]);
    expect(text.split("\n").filter((line) => !line.startsWith("#"))).toEqual([
      'tweetmesh_http_request_duration_bucket{route="GET /",node="api",le="0.1"} 1',
      'tweetmesh_http_request_duration_bucket{route="GET /",node="api",le="1"} 3',
      'tweetmesh_http_request_duration_bucket{route="GET /",node="api",le="+Inf"} 3',
      'tweetmesh_http_request_duration_sum{route="GET /",node="api"} 0.7',
      'tweetmesh_http_request_duration_count{route="GET /",node="api"} 3',
      "",
    ]);
  });

  it("renders a histogram of quantiles only as a summary", () => {
    const text = renderPrometheus([
      {
        node: "s",
        metrics: [
          { name: "lat", type: "histogram", values: [{ labels: {}, count: 2, sum: 10, quantiles: { "0.5": 4 } }] },
        ],
      },
    ]);
    expect(text).toContain("# TYPE lat summary");
    expect(text).toContain('lat{node="s",quantile="0.5"} 4');
  });

  it("escapes label values and skips info metrics and non-numbers", () => {
    const text = renderPrometheus([
      {
        node: 'a"b\\c\nd',
        metrics: [
          {
            name: "g",
            type: "gauge",
            values: [
              { labels: {}, value: 1 },
              { labels: { x: "y" }, value: "n/a" },
            ],
          },
          { name: "os.hostname", type: "info", values: [{ labels: {}, value: "h" }] },
        ],
      },
    ]);
    expect(text).toContain('g{node="a\\"b\\\\c\\nd"} 1');
    expect(text).not.toContain("n/a");
    expect(text).not.toContain("os_hostname");
  });
});

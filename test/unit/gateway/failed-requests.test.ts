import { FailedRequestLog, requestIdOf } from "../../../gateway/failed-requests";
import { RecordingLogger } from "../../support/batches";

describe("FailedRequestLog", () => {
  const unavailable = { status: 503, type: "SERVICE_NOT_AVAILABLE" };

  it("logs a failed request as one line: method, path without its query, status, type and request id", () => {
    const logger = new RecordingLogger();
    new FailedRequestLog(logger).record(
      { method: "GET", url: "/statistics?x=1" },
      "req-1",
      unavailable,
      new Error("no worker"),
    );
    expect(logger.lines).toEqual([{ level: "warn", text: "GET /statistics 503 SERVICE_NOT_AVAILABLE request req-1" }]);
  });

  it("holds a flood of one kind to a line every 10 s, counting the rest into the next line; other kinds are not held", () => {
    const logger = new RecordingLogger();
    let now = 0;
    const log = new FailedRequestLog(logger, () => now);
    for (let request = 0; request < 500; request++) {
      log.record({ method: "GET", url: "/statistics" }, `r${request}`, unavailable, null);
      now += 10;
    }
    log.record({ method: "POST", url: "/launch" }, "other", { status: 422, type: "VALIDATION_ERROR" }, null);
    now = 10_000;
    log.record({ method: "GET", url: "/statistics" }, "later", unavailable, null);

    expect(logger.lines.map((line) => line.text)).toEqual([
      "GET /statistics 503 SERVICE_NOT_AVAILABLE request r0",
      "POST /launch 422 VALIDATION_ERROR request other",
      "GET /statistics 503 SERVICE_NOT_AVAILABLE request later (499 more like it in the last 10 s)",
    ]);
  });

  it("writes a stack trace only for an internal error, and only at debug", () => {
    const logger = new RecordingLogger();
    const log = new FailedRequestLog(logger);
    log.record({ method: "GET", url: "/" }, "a", unavailable, new Error("transient"));
    log.record({ method: "GET", url: "/" }, "b", { status: 500, type: "INTERNAL_ERROR" }, new TypeError("bug"));
    expect(logger.lines.map((line) => line.level)).toEqual(["warn", "warn", "debug"]);
    expect(logger.lines[2]?.text).toContain("TypeError: bug");
  });
});

describe("requestIdOf", () => {
  it("keeps a client's plain request id and replaces anything else", () => {
    expect(requestIdOf("abc-123")).toBe("abc-123");
    expect(requestIdOf("line\nbreak")).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf("x".repeat(65))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

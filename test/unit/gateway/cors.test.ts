import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CorsPolicy } from "../../../gateway/cors";

class FakeResponse extends EventEmitter {
  headers: Record<string, string> = {};
  status = 0;
  ended = false;
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  writeHead(status: number, headers: Record<string, string>) {
    this.status = status;
    Object.assign(this.headers, headers);
  }
  end() {
    this.ended = true;
  }
}

function run(policy: CorsPolicy, method: string, origin?: string) {
  const req = { method, headers: origin ? { origin } : {} } as IncomingMessage;
  const res = new FakeResponse();
  let passed = false;
  policy.middleware()(req, res as unknown as ServerResponse, () => (passed = true));
  return { res, passed };
}

describe("CORS", () => {
  it("is off by default: no headers for any origin", () => {
    expect(new CorsPolicy([]).headers("https://a.example", false)).toEqual({});
  });

  it("allows the listed origins only, echoing the origin", () => {
    const policy = new CorsPolicy(["https://a.example"]);
    expect(policy.headers("https://a.example", false)).toMatchObject({
      "Access-Control-Allow-Origin": "https://a.example",
      Vary: "Origin",
    });
    expect(policy.headers("https://b.example", false)).toEqual({});
    expect(policy.headers(undefined, false)).toEqual({});
  });

  it("allows any origin with *", () => {
    expect(new CorsPolicy(["*"]).headers("https://b.example", false)).toMatchObject({
      "Access-Control-Allow-Origin": "*",
    });
  });

  it("answers a preflight itself with the allowed methods and headers", () => {
    const { res, passed } = run(new CorsPolicy(["https://a.example"]), "OPTIONS", "https://a.example");
    expect(passed).toBe(false);
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      "Access-Control-Allow-Methods": "GET, POST, DELETE",
      "Access-Control-Allow-Headers": "Authorization, Content-Type",
    });
  });

  it("answers every OPTIONS itself, even with CORS off, so that it never reaches an action", () => {
    const { res, passed } = run(new CorsPolicy([]), "OPTIONS", "https://a.example");
    expect(passed).toBe(false);
    expect(res.status).toBe(204);
    expect(res.headers["Access-Control-Allow-Origin"]).toBeUndefined();
  });

  it("lets other requests through, with the headers when allowed", () => {
    const { res, passed } = run(new CorsPolicy(["https://a.example"]), "POST", "https://a.example");
    expect(passed).toBe(true);
    expect(res.headers["Access-Control-Expose-Headers"]).toBe("Retry-After");
  });
});

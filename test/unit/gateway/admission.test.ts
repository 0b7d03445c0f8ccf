import type { GatewayRequest } from "../../../gateway/aliases";
import { RequestAdmission } from "../../../gateway/admission";
import { GATEWAY_ROUTES } from "../../../gateway/routes";

const TOKEN = "a-token-of-16-chars-or-more";

/** A request as moleculer-web hands it on: the matched route's key, headers, the client's address, the body. */
function request(
  route: string,
  options: { authorization?: string; body?: unknown; address?: string } = {},
): GatewayRequest {
  return {
    $alias: { gatewayRoute: route },
    headers: options.authorization ? { authorization: options.authorization } : {},
    socket: { remoteAddress: options.address ?? "127.0.0.1" },
    body: options.body,
  } as unknown as GatewayRequest;
}

const refusal = (admission: RequestAdmission, req: GatewayRequest): unknown => {
  try {
    admission.admit(req);
    return null;
  } catch (error) {
    return error;
  }
};

describe("RequestAdmission", () => {
  it("admits everything when no token and no rate limit are set", () => {
    const admission = new RequestAdmission(GATEWAY_ROUTES, { launchesPerMinute: 0 });
    for (let launch = 0; launch < 50; launch++)
      expect(refusal(admission, request("POST /launch", { body: {} }))).toBeNull();
    expect(admission.tokenRequired).toBe(false);
  });

  it("refuses a body that cannot carry named params with 400 naming the body", () => {
    const admission = new RequestAdmission(GATEWAY_ROUTES, { launchesPerMinute: 0 });
    for (const body of [[], "bieber", 3, null]) {
      expect(refusal(admission, request("POST /launch", { body }))).toMatchObject({
        code: 400,
        type: "INVALID_JSON",
        data: { field: "body" },
      });
    }
  });

  it("asks the token of the routes that require it, and only of those", () => {
    const admission = new RequestAdmission(GATEWAY_ROUTES, { apiToken: TOKEN, launchesPerMinute: 0 });
    expect(admission.tokenRequired).toBe(true);
    expect(refusal(admission, request("POST /launch"))).toMatchObject({ code: 401 });
    expect(
      refusal(admission, request("POST /stop", { authorization: "Bearer wrong-token-wrong-token" })),
    ).toMatchObject({ code: 401 });
    expect(refusal(admission, request("POST /launch", { authorization: `Bearer ${TOKEN}` }))).toBeNull();
    expect(refusal(admission, request("GET /statistics"))).toBeNull();
  });

  it("limits launches per client with 429 and the seconds to wait, leaving other clients and routes alone", () => {
    const admission = new RequestAdmission(GATEWAY_ROUTES, { launchesPerMinute: 2 });
    expect(refusal(admission, request("POST /launch"))).toBeNull();
    expect(refusal(admission, request("POST /launch"))).toBeNull();
    expect(refusal(admission, request("POST /launch"))).toMatchObject({
      code: 429,
      type: "RATE_LIMITED",
      data: { retry_after: expect.any(Number) },
    });
    expect(refusal(admission, request("POST /launch", { address: "10.0.0.2" }))).toBeNull();
    expect(refusal(admission, request("POST /stop"))).toBeNull();
  });
});

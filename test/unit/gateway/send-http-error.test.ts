import { Errors } from "moleculer";
import type { ServerResponse } from "node:http";
import { sendHttpError } from "../../../gateway/errors";

/** What a response was sent: status, headers and body. */
function recordedResponse(headersSent = false) {
  const sent = { status: 0, headers: {} as Record<string, string>, body: "", ended: false };
  const res = {
    headersSent,
    setHeader: (name: string, value: string) => void (sent.headers[name.toLowerCase()] = value),
    writeHead: (status: number) => void (sent.status = status),
    end: (body?: string) => {
      sent.body = body ?? "";
      sent.ended = true;
    },
  } as unknown as ServerResponse;
  return { res, sent };
}

describe("sendHttpError", () => {
  it("answers a client error as JSON naming its type, and tells the log its status and type", () => {
    const { res, sent } = recordedResponse();
    const log = jest.fn();
    sendHttpError(
      res,
      new Errors.MoleculerClientError("track must have 1 to 400 phrases", 422, "VALIDATION_ERROR", { field: "track" }),
      log,
    );
    expect(sent.status).toBe(422);
    expect(sent.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(sent.body)).toEqual({
      name: "MoleculerClientError",
      message: "track must have 1 to 400 phrases",
      code: 422,
      type: "VALIDATION_ERROR",
      data: { field: "track" },
    });
    expect(log).toHaveBeenCalledWith(
      { status: 422, type: "VALIDATION_ERROR" },
      expect.any(Errors.MoleculerClientError),
    );
  });

  it("answers a server error without its message, and gives the log the error itself", () => {
    const { res, sent } = recordedResponse();
    const log = jest.fn();
    const bug = new TypeError("cannot read properties of undefined (secret detail)");
    sendHttpError(res, bug, log);
    expect(sent.status).toBe(500);
    expect(JSON.parse(sent.body)).toMatchObject({ message: "internal error", type: "INTERNAL_ERROR" });
    expect(log).toHaveBeenCalledWith({ status: 500, type: "INTERNAL_ERROR" }, bug);
  });

  it("says how to authenticate on a 401 and when to come back on a 429", () => {
    const unauthorized = recordedResponse();
    sendHttpError(unauthorized.res, new Errors.MoleculerClientError("token required", 401, "UNAUTHORIZED"), jest.fn());
    expect(unauthorized.sent.headers["www-authenticate"]).toBe('Bearer realm="tweetmesh"');

    const limited = recordedResponse();
    sendHttpError(
      limited.res,
      new Errors.MoleculerClientError("too many launches", 429, "RATE_LIMITED", { retry_after: 7 }),
      jest.fn(),
    );
    expect(limited.sent.headers["retry-after"]).toBe("7");
  });

  it("only ends a response whose headers are already sent (a live stream)", () => {
    const { res, sent } = recordedResponse(true);
    sendHttpError(res, new Errors.MoleculerClientError("gone", 404, "NOT_FOUND"), jest.fn());
    expect(sent).toMatchObject({ status: 0, body: "", ended: true });
  });
});

import { Errors } from "moleculer";
import { httpError } from "../../../gateway/errors";

describe("the gateway's HTTP errors", () => {
  it.each([
    [
      "a body that does not gunzip",
      new Errors.MoleculerError("incorrect header check", "Z_DATA_ERROR" as unknown as number),
      400,
      "INVALID_BODY_ENCODING",
    ],
    [
      "a body that does not decode as brotli",
      Object.assign(new Error("Decompression failed"), { code: "ERR__ERROR_FORMAT_PADDING_2" }),
      400,
      "INVALID_BODY_ENCODING",
    ],
    [
      "body-parser's too large",
      Object.assign(new Error("too large"), { type: "entity.too.large" }),
      413,
      "BODY_TOO_LARGE",
    ],
    ["a client error", new Errors.MoleculerClientError("no", 422, "VALIDATION_ERROR"), 422, "VALIDATION_ERROR"],
    [
      "an error whose code is no HTTP status",
      new Errors.MoleculerError("odd", "EPIPE" as unknown as number),
      500,
      "INTERNAL_ERROR",
    ],
    ["anything else", new TypeError("x is undefined"), 500, "INTERNAL_ERROR"],
  ])("answers %s with a valid status", (_, error, code, type) => {
    expect(httpError(error)).toMatchObject({ code, type });
  });
});

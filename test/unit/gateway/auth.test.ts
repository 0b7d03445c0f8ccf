import { BearerToken, unauthorized } from "../../../gateway/auth";

describe("the bearer token", () => {
  const token = new BearerToken("s3cret-token-of-20ch");

  it("admits the exact token in an Authorization header", () => {
    expect(token.admits("Bearer s3cret-token-of-20ch")).toBe(true);
    expect(token.admits("bearer   s3cret-token-of-20ch ")).toBe(true);
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["another scheme", "Basic s3cret-token-of-20ch"],
    ["a prefix of the token", "Bearer s3cret"],
    ["the token and more", "Bearer s3cret-token-of-20chX"],
    ["a repeated header", ["Bearer s3cret-token-of-20ch", "Bearer s3cret-token-of-20ch"]],
    ["an empty bearer", "Bearer "],
  ])("refuses %s", (_, header) => {
    expect(token.admits(header)).toBe(false);
  });

  it("never names the token in its 401", () => {
    const error = unauthorized();
    expect(error.code).toBe(401);
    expect(JSON.stringify({ message: error.message, data: error.data })).not.toContain("s3cret");
  });
});

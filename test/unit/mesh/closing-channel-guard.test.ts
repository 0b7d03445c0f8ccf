import { guardClosingChannel } from "../../../mesh/closing-channel-guard";

class IllegalOperationError extends Error {
  override name = "IllegalOperationError";
}

describe("the closing-channel guard", () => {
  it("sends as usual", async () => {
    const send = jest.fn(async () => {});
    await guardClosingChannel(send)("topic", Buffer.from("x"), {});
    expect(send).toHaveBeenCalledWith("topic", Buffer.from("x"), {});
  });

  it("drops a send on a closing channel quietly, as the transporter does without a channel", async () => {
    const send = () => {
      throw new IllegalOperationError("Channel closing");
    };
    await expect(guardClosingChannel(send)("topic", Buffer.alloc(0), {})).resolves.toBeUndefined();
  });

  it("passes every other error on, as a rejection", async () => {
    const send = () => {
      throw new TypeError("bad packet");
    };
    await expect(guardClosingChannel(send)("topic", Buffer.alloc(0), {})).rejects.toThrow("bad packet");
  });
});

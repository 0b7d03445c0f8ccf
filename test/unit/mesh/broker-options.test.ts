import { readEnvironment } from "../../../config/environment";
import { brokerOptions } from "../../../mesh/broker-options";
import { DrainingAmqpTransporter } from "../../../mesh/draining-transporter";

describe("brokerOptions' transporter", () => {
  it("is given every node of TRANSPORTER, in order, for Moleculer to try in turn", () => {
    const nodes = ["amqp://u:p@rabbit-1:5672", "amqp://u:p@rabbit-2:5672", "amqp://u:p@rabbit-3:5672"];
    const { transporter } = brokerOptions(readEnvironment({ TRANSPORTER: nodes.join(",") }));
    expect(transporter).toBeInstanceOf(DrainingAmqpTransporter);
    if (transporter instanceof DrainingAmqpTransporter) expect(transporter.opts.url).toEqual(nodes);
  });
});

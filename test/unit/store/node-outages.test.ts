import { EventEmitter } from "node:events";
import { reportNodeOutages } from "../../../store/redis";
import { RecordingLogger } from "../../support/batches";

/** A node of a Cluster client's pool, as ioredis hands it to `+node` and `-node`. */
function aNode(port: number): EventEmitter & { options: { host: string; port: number } } {
  return Object.assign(new EventEmitter(), { options: { host: "127.0.0.1", port } });
}

describe("reportNodeOutages", () => {
  it("says once that a node is unreachable, and once that it is back", () => {
    const cluster = new EventEmitter();
    const logger = new RecordingLogger();
    reportNodeOutages(cluster, logger);
    const node = aNode(17001);
    cluster.emit("+node", node);
    for (let attempt = 0; attempt < 3; attempt++)
      cluster.emit("node error", new Error("connect ECONNREFUSED 127.0.0.1:17001"), "127.0.0.1:17001");
    node.emit("ready");
    node.emit("ready");
    expect(logger.lines).toEqual([
      {
        level: "warn",
        text: "Redis Cluster node 127.0.0.1:17001 unreachable: connect ECONNREFUSED 127.0.0.1:17001; commands for its slots fail, and pipeline messages wait, until it is back or a replica takes over",
      },
      { level: "info", text: "Redis Cluster node 127.0.0.1:17001 reachable again" },
    ]);
  });

  it("says an outage once while the client drops the node and adds it back at each refresh", () => {
    const cluster = new EventEmitter();
    const logger = new RecordingLogger();
    reportNodeOutages(cluster, logger);
    for (let refresh = 0; refresh < 3; refresh++) {
      cluster.emit("+node", aNode(17002));
      cluster.emit("node error", new Error("read ECONNRESET"), "127.0.0.1:17002");
      cluster.emit("-node", aNode(17002));
    }
    const back = aNode(17002);
    cluster.emit("+node", back);
    back.emit("ready");
    expect(logger.lines.map((line) => line.text)).toEqual([
      expect.stringMatching(/^Redis Cluster node 127.0.0.1:17002 unreachable: read ECONNRESET;/),
      "Redis Cluster node 127.0.0.1:17002 reachable again",
    ]);
  });
});

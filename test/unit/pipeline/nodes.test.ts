import { PipelineConnection } from "../../../pipeline/connection";
import { firstThatAnswers, nodeOrder } from "../../../pipeline/nodes";
import { pipelineTopology, quorumArguments } from "../../../pipeline/topology";
import { waitUntil } from "../../support/eventually";

const NODES = ["amqp://u:s3cret@rabbit-1:5672", "amqp://u:s3cret@rabbit-2:5672", "amqp://u:s3cret@rabbit-3:5672"];

/** A connect function whose nodes in `up` answer (with their URL) and the others refuse, recording each attempt. */
function fakeCluster(up: readonly string[]) {
  const attempts: string[] = [];
  const connect = (url: string): Promise<string> => {
    attempts.push(url);
    return up.includes(url) ? Promise.resolve(url) : Promise.reject(new Error("connect ECONNREFUSED"));
  };
  return { attempts, connect };
}

describe("nodeOrder", () => {
  it("starts at the given node and goes round the list once", () => {
    expect(nodeOrder(3, 0)).toEqual([0, 1, 2]);
    expect(nodeOrder(3, 1)).toEqual([1, 2, 0]);
    expect(nodeOrder(3, 2)).toEqual([2, 0, 1]);
    expect(nodeOrder(1, 0)).toEqual([0]);
  });
});

describe("firstThatAnswers", () => {
  it("connects to the first node when it answers, trying no other", async () => {
    const cluster = fakeCluster(NODES);
    await expect(firstThatAnswers(NODES, 0, cluster.connect)).resolves.toEqual({ connection: NODES[0], node: 0 });
    expect(cluster.attempts).toEqual([NODES[0]]);
  });

  it("fails over to the next node that answers, in order", async () => {
    const cluster = fakeCluster([NODES[2] ?? ""]);
    await expect(firstThatAnswers(NODES, 0, cluster.connect)).resolves.toEqual({ connection: NODES[2], node: 2 });
    expect(cluster.attempts).toEqual(NODES);
  });

  it("after a lost node, starts at the one after it and comes back round", async () => {
    const cluster = fakeCluster([NODES[0] ?? ""]);
    await expect(firstThatAnswers(NODES, 2, cluster.connect)).resolves.toEqual({ connection: NODES[0], node: 0 });
    expect(cluster.attempts).toEqual([NODES[2], NODES[0]]);
  });

  it("rejects with every node's failure, credentials redacted, when none answers", async () => {
    const cluster = fakeCluster([]);
    const failure = firstThatAnswers(NODES, 1, cluster.connect);
    await expect(failure).rejects.toThrow(
      "amqp://***:***@rabbit-2:5672: connect ECONNREFUSED; amqp://***:***@rabbit-3:5672: connect ECONNREFUSED; amqp://***:***@rabbit-1:5672: connect ECONNREFUSED",
    );
    expect(cluster.attempts).toEqual([NODES[1], NODES[2], NODES[0]]);
  });

  it("gives a single node's failure alone", async () => {
    await expect(firstThatAnswers(NODES.slice(0, 1), 0, fakeCluster([]).connect)).rejects.toThrow(
      /^connect ECONNREFUSED$/,
    );
  });
});

describe("PipelineConnection on a cluster none of whose nodes answers", () => {
  it("tries every node in order, then again from the first after its backoff, never logging a password", async () => {
    const attempts: string[] = [];
    const warnings: string[] = [];
    const logger = {
      info: () => {},
      debug: () => {},
      error: () => {},
      warn: (line: unknown) => warnings.push(String(line)),
    };
    const connection = new PipelineConnection(
      NODES,
      pipelineTopology("unit"),
      { deliveryLimit: 5, maxLength: 10, replicas: 3 },
      logger,
      undefined,
      (url) => {
        attempts.push(url);
        return Promise.reject(new Error("connect ECONNREFUSED"));
      },
    );
    // start() resolves only once connected, which never happens here: the test ends it by closing.
    void connection.start();
    try {
      await waitUntil(() => attempts.length >= 6, "two rounds of attempts");
      expect(attempts.slice(0, 6)).toEqual([...NODES, ...NODES]);
      expect(warnings[0]).toMatch(
        /^Pipeline broker amqp:\/\/\*\*\*:\*\*\*@rabbit-1:5672,amqp:\/\/\*\*\*:\*\*\*@rabbit-2:5672,amqp:\/\/\*\*\*:\*\*\*@rabbit-3:5672 unreachable \(/,
      );
      expect(warnings.join("\n")).not.toContain("s3cret");
    } finally {
      await connection.close();
    }
  });
});

describe("quorumArguments", () => {
  it("sets the members of a queue of more than one replica", () => {
    expect(quorumArguments(3)).toEqual({ "x-queue-type": "quorum", "x-quorum-initial-group-size": 3 });
  });

  it("leaves the group size out for one replica, as queues declared before clusters were", () => {
    expect(quorumArguments(1)).toEqual({ "x-queue-type": "quorum" });
  });
});

import { spawnSync } from "node:child_process";
import { alive, formatClusterState, parseClusterState, replacementOrder } from "../../../mesh/cluster-state";

describe("the local cluster's state file", () => {
  const text =
    "api mesh-api-1 101 9100\nfilter mesh-filter-1 102 9101\n\n# a comment\nlauncher mesh-launcher-1 103 9102\n";

  it("reads one worker per line and writes it back the same", () => {
    const workers = parseClusterState(text);
    expect(workers).toEqual([
      { service: "api", nodeId: "mesh-api-1", pid: 101, probePort: 9100 },
      { service: "filter", nodeId: "mesh-filter-1", pid: 102, probePort: 9101 },
      { service: "launcher", nodeId: "mesh-launcher-1", pid: 103, probePort: 9102 },
    ]);
    expect(parseClusterState(formatClusterState(workers))).toEqual(workers);
  });

  it("names the line and the rule of a bad entry", () => {
    expect(() => parseClusterState("api mesh-api-1 101 9100\nmailer mesh-mailer-1 7 9101\n")).toThrow(
      /line 2 \("mailer mesh-mailer-1 7 9101"\)/,
    );
    expect(() => parseClusterState("filter mesh-filter-1 -5 9101\n")).toThrow(/line 1/);
  });

  it("replaces the gateways last, the others in their order", () => {
    expect(replacementOrder(parseClusterState(text)).map((worker) => worker.nodeId)).toEqual([
      "mesh-filter-1",
      "mesh-launcher-1",
      "mesh-api-1",
    ]);
  });
});

describe("whether a worker still runs", () => {
  it("is true of a running process and false of one that exited", () => {
    expect(alive(process.pid)).toBe(true);
    const exited = spawnSync(process.execPath, ["-e", "0"]);
    expect(exited.pid).toBeGreaterThan(0);
    expect(alive(exited.pid)).toBe(false);
  });
});

import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { SERVICE_NAMES } from "../config/environment";

/**
 * The workers of a local cluster, as `scripts/cluster.sh` starts them and the rolling deploy replaces
 * them: one line per worker, `<service> <node id> <pid> <probe port>`, in `.cluster/workers`. The
 * probe port serves `/ready`: the gateway's own port for a gateway, HEALTH_PORT for the others.
 */
export const ClusterWorker = z.object({
  service: z.enum(SERVICE_NAMES),
  nodeId: z.string().regex(/^\S+$/, "node id must have no spaces"),
  pid: z.coerce.number().int().positive(),
  probePort: z.coerce.number().int().min(1).max(65535),
});
export type ClusterWorker = z.infer<typeof ClusterWorker>;

export function parseClusterState(text: string): ClusterWorker[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"))
    .map((line, index) => {
      const [service, nodeId, pid, probePort] = line.split(/\s+/);
      const parsed = ClusterWorker.safeParse({ service, nodeId, pid, probePort });
      if (!parsed.success)
        throw new Error(`cluster state line ${index + 1} ("${line}"): ${parsed.error.issues[0]?.message ?? "invalid"}`);
      return parsed.data;
    });
}

export function formatClusterState(workers: readonly ClusterWorker[]): string {
  return workers.map((worker) => `${worker.service} ${worker.nodeId} ${worker.pid} ${worker.probePort}\n`).join("");
}

/**
 * The order a rolling deploy replaces workers in: the gateways last, so that the old gateways meet
 * new workers first, then new gateways meet them too. Any order is safe; this one keeps the
 * gateway, the part users see, on the old build until every worker behind it has been replaced.
 */
export function replacementOrder(workers: readonly ClusterWorker[]): ClusterWorker[] {
  return [
    ...workers.filter((worker) => worker.service !== "api"),
    ...workers.filter((worker) => worker.service === "api"),
  ];
}

/** Whether a worker's process still runs: an exited child its parent has not reaped yet answers signal 0, but is a zombie. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || !/^\d+ \(.*\) Z/.test(readFileSync(stat, "utf8"));
}

import { hostname } from "node:os";
import { ServiceBroker } from "moleculer";
import { z } from "zod";
import { ConfigurationError, readEnvironment } from "../config/environment";
import { brokerOptions } from "../mesh/broker-options";
import { DeadLetters } from "../pipeline/dead-letters";
import { pipelineTopology } from "../pipeline/topology";
import { versions } from "../gateway/health";

/** What moleculer-repl hands a custom command (its typings say otherwise). */
const DeadLetterArgs = z.object({
  options: z.object({
    limit: z.coerce.number().int().positive("--limit must be at least 1").default(20),
    requeue: z.coerce.number().int().positive("--requeue must be at least 1").optional(),
  }),
});

/**
 * The counterpart of `nameko shell`: a node with no services of its own that joins the running mesh
 * and opens Moleculer's REPL (`call statistics.get`, `call launcher.launch --track bieber`, `nodes`;
 * `builds` lists each node's version and commit, which Moleculer's `nodes` does not show).
 */
async function main(): Promise<void> {
  const env = readEnvironment({ ...process.env, SERVICES: "api", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
  const deadLetters = new DeadLetters(env.PIPELINE_URL, pipelineTopology(env.NAMESPACE));
  const broker = new ServiceBroker({
    ...brokerOptions(env),
    nodeID: `repl-${hostname()}-${process.pid}`,
    replOptions: {
      customCommands: [
        {
          command: "builds",
          description: "List every node of the mesh with its build (version and commit) and its services",
          action(broker: ServiceBroker) {
            console.table(buildsTable(broker));
            return Promise.resolve();
          },
        },
        {
          command: "dead-letters",
          description: "List the pipeline's dead-lettered messages, or send them back to their queues with --requeue",
          options: [
            { option: "-l, --limit <count>", description: "how many to list (default 20)" },
            { option: "-r, --requeue <count>", description: "send up to <count> back to the queue they died in" },
          ],
          async action(_broker: ServiceBroker, args: unknown) {
            const { options } = DeadLetterArgs.parse(args);
            if (options.requeue !== undefined) {
              console.log(`requeued ${await deadLetters.requeue(options.requeue)} dead letters`);
              return;
            }
            const report = await deadLetters.list(options.limit);
            console.log(`${report.total} dead letters`);
            if (report.letters.length > 0) console.table(report.letters);
          },
        },
      ],
    },
  });
  await broker.start();
  // Discovery: wait briefly so that `services` lists the mesh at the first prompt.
  await broker.waitForServices(["launcher", "statistics"], 5000).catch(() => {
    broker.logger.warn("launcher and statistics are not reachable yet; is the mesh running? (`make up`)");
  });
  broker.repl();
}

/** One row per node: what `builds` shows, from the build each node announces in its metadata. */
export function buildsTable(
  broker: ServiceBroker,
): { node: string; version: string; commit: string; services: string }[] {
  return versions(broker).nodes.map((node) => ({
    node: node.node,
    version: node.version,
    commit: node.commit.slice(0, 12),
    services: node.services.join(", "),
  }));
}

if (require.main === module) {
  main().catch((error) => {
    const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`repl: ${message}\n`);
    process.exit(1);
  });
}

import { randomBytes } from "node:crypto";
import path from "node:path";
import type { RunStatistics } from "../../contracts/actions";
import { SERVER, serverBuilt } from "../support/cluster";
import { AMQP_URL, curlPost, eventually, REDIS_URL, removeNamespace, request } from "../support/mesh";
import { type NodeProcess, startNodeProcess } from "../support/node-process";
import { randomPort } from "../support/ports";
import { projectRoot } from "../support/project";

const REPL = path.join(projectRoot(), "dist/bin/repl.js");

/** The built server and REPL as a user starts them (`make up`, `make repl`), over the real brokers. */
const describeBuilt = serverBuilt() ? describe : describe.skip;
if (!serverBuilt()) console.warn(`process tests skipped: ${SERVER} is not built (run make test, which builds first)`);

describeBuilt("the server and REPL processes", () => {
  const namespace = `test-${randomBytes(4).toString("hex")}`;
  const port = String(randomPort("gateways"));
  const env = { TRANSPORTER: AMQP_URL, REDIS_URL, NAMESPACE: namespace, PORT: port, GENERATOR_RATE: "1000" };
  let server: NodeProcess;

  beforeAll(async () => {
    server = startNodeProcess(SERVER, { env });
    await eventually(
      () => request(`http://127.0.0.1:${port}/statistics`).catch(() => ({ status: 0 })),
      (answer) => answer.status === 200,
      30000,
      "the gateway",
    );
  });

  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    await removeNamespace(namespace);
  });

  it("refuses a bad configuration with one line naming the variable", async () => {
    const bad = startNodeProcess(SERVER, { env: { ...env, PORT: "eighty" } });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr().trim().split("\n")).toEqual([expect.stringMatching(/^invalid configuration: PORT: /)]);
  });

  it("answers the original's two curl lines", async () => {
    const launch = await curlPost(`http://127.0.0.1:${port}/launch`, '{"track": ["bieber"]}');
    expect(launch).toMatchObject({ status: 200, body: { process_started: true } });
    const figures = await eventually(
      () => request<RunStatistics>(`http://127.0.0.1:${port}/statistics`),
      (answer) => answer.body.amount > 0 && answer.body.elapsed_time > 0,
      30000,
      "matches of bieber",
    );
    expect(figures.status).toBe(200);
    expect(figures.body.speed).toBe(figures.body.amount / figures.body.elapsed_time);
  });

  it("lets the REPL call the services of the running mesh", async () => {
    const repl = startNodeProcess(REPL, { env, input: "call statistics.get\nexit\n" });
    await repl.exited;
    expect(repl.stdout()).toMatch(/amount/);
    expect(repl.stdout()).toMatch(/running/);
  });

  it("lets the REPL call the series and top-value reads", async () => {
    const input =
      "call statistics.series --clock event --resolution 1m\ncall statistics.top --field hashtags --window 10m\nexit\n";
    const repl = startNodeProcess(REPL, { env, input });
    await repl.exited;
    expect(repl.stdout()).toMatch(/clock: 'event'|"clock": ?"event"/);
    expect(repl.stdout()).toMatch(/points/);
    expect(repl.stdout()).toMatch(/window: '10m'|"window": ?"10m"/);
    expect(repl.stdout()).toMatch(/items/);
  });

  it("lists the dead-letter queue from the REPL", async () => {
    const repl = startNodeProcess(REPL, { env, input: "dead-letters\nexit\n" });
    await repl.exited;
    expect(repl.stdout()).toMatch(/\b0 dead letters$/m);
  });

  it("drains and exits 0 on SIGTERM, and never logged a credential", async () => {
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: draining and stopping/);
    expect(server.output()).toMatch(/Run \S+ started: track \["bieber"\]/);
    expect(server.output()).not.toMatch(/guest:guest/);
  });
});

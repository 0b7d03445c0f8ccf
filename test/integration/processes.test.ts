import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import type { RunStatistics } from "../../contracts/actions";
import { AMQP_URL, curlPost, eventually, REDIS_URL, removeNamespace, request } from "../support/mesh";

const ROOT = path.resolve(__dirname, "../..");
const SERVER = path.join(ROOT, "dist/bin/server.js");
const REPL = path.join(ROOT, "dist/bin/repl.js");

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, env: Record<string, string>, input?: string): { child: ChildProcess; finished: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [script], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  if (input !== undefined) child.stdin?.end(input);
  const finished = new Promise<Finished>((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
  return { child, finished, output: () => stdout + stderr };
}

/** The built server and REPL as a user starts them (`make up`, `make repl`), over the real brokers. */
const describeBuilt = existsSync(SERVER) ? describe : describe.skip;
if (!existsSync(SERVER)) console.warn(`process tests skipped: ${SERVER} is not built (run make test, which builds first)`);

describeBuilt("the server and REPL processes", () => {
  const namespace = `test-${randomBytes(4).toString("hex")}`;
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const env = { TRANSPORTER: AMQP_URL, REDIS_URL, NAMESPACE: namespace, PORT: port, GENERATOR_RATE: "1000" };
  let server: ReturnType<typeof run>;

  beforeAll(async () => {
    server = run(SERVER, env);
    await eventually(() => request(`http://127.0.0.1:${port}/statistics`).catch(() => ({ status: 0 })), (answer) => answer.status === 200, 30000, "the gateway");
  });

  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    await removeNamespace(namespace);
  });

  it("refuses a bad configuration with one line naming the variable", async () => {
    const bad = await run(SERVER, { ...env, PORT: "eighty" }).finished;
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^invalid configuration: PORT: /)]);
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
    const repl = await run(REPL, env, "call statistics.get\nexit\n").finished;
    expect(repl.stdout).toMatch(/amount/);
    expect(repl.stdout).toMatch(/running/);
  });

  it("lists the dead-letter queue from the REPL", async () => {
    const repl = await run(REPL, env, "dead-letters\nexit\n").finished;
    expect(repl.stdout).toMatch(/\b0 dead letters$/m);
  });

  it("drains and exits 0 on SIGTERM, and never logged a credential", async () => {
    server.child.kill("SIGTERM");
    const exit = await server.finished;
    expect(exit.code).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: draining and stopping/);
    expect(server.output()).toMatch(/Run \S+ started: track \["bieber"\]/);
    expect(server.output()).not.toMatch(/guest:guest/);
  });
});

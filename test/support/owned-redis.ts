import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { eventually } from "./mesh";
import { randomPort } from "./ports";

/**
 * A Redis of a test's own, without persistence, on a port of its own: a test can fill its memory,
 * make it refuse writes or kill it without touching the shared Redis.
 */
export class OwnedRedis {
  readonly port = randomPort("redis");
  private server: ChildProcess | null = null;
  private admin: Redis | null = null;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server and starts a new, empty one on the same port: a restart without persistence. */
  async restart(): Promise<void> {
    const exited = new Promise((resolve) => this.server?.once("exit", resolve));
    this.kill();
    await exited;
    this.admin?.disconnect();
    await this.start();
  }

  /** Keys matching a pattern, on the test's Redis. */
  keys(pattern: string): Promise<string[]> {
    return this.admin?.keys(pattern) ?? Promise.resolve([]);
  }

  async start(): Promise<void> {
    this.server = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    this.admin = new Redis(this.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200, lazyConnect: true });
    await eventually(
      () =>
        this.admin?.ping().then(
          () => true,
          () => false,
        ) ?? Promise.resolve(false),
      (up) => up,
      10_000,
      "the test's own Redis to answer",
    );
  }

  /** CONFIG SET on the test's Redis, e.g. `maxmemory 1` to answer OOM to every write. */
  async config(name: string, value: string): Promise<void> {
    await this.admin?.config("SET", name, value);
  }

  /** Stalls the server (SIGSTOP): connections stay open and nothing is answered, until `resume`. */
  pause(): void {
    this.server?.kill("SIGSTOP");
  }

  resume(): void {
    this.server?.kill("SIGCONT");
  }

  /** Kills the server at once (SIGKILL): what it held is gone, as a crash without persistence leaves it. */
  kill(): void {
    this.server?.kill("SIGKILL");
  }

  async stop(): Promise<void> {
    this.admin?.disconnect();
    if (this.server && this.server.exitCode === null && this.server.signalCode === null) this.kill();
  }
}

/** Whether redis-server is installed, for the tests that start their own. */
export function redisServerInstalled(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v redis-server"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

import { execFileSync, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { PORT_BANDS, type PortBand, randomPort } from "./ports";
import { projectRoot } from "./project";

/** Running scripts/rabbitmq-cluster.sh and scripts/redis-cluster.sh from tests, on ports of a test's own. */

const SCRIPTS = path.join(projectRoot(), "scripts");

/** Whether a command is installed; a test skips, saying so, when one it needs is not. */
export function installed(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether nothing listens on a local port. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** A random base port of a band, a multiple of 10, whose every `offsets` port is free. */
export async function freeBase(band: PortBand, offsets: number[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 10 * Math.floor(randomPort(band) / 10);
    const free = await Promise.all(offsets.map((offset) => portFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no free ports in the ${band} band (${PORT_BANDS[band].join("-")})`);
}

/**
 * Runs a script of scripts/; its progress (stderr) goes to the test's stderr when `echo` is set, its
 * stdout is returned. A failure carries the end of its stderr.
 */
export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  echo = false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(SCRIPTS, script), args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (echo) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${script} ${args.join(" ")} exited with ${code ?? signal}: ${stderr.slice(-2000)}`));
    });
  });
}

export const lines = (text: string) => text.split("\n").filter((line) => line.length > 0);

import { type ChildProcess, spawn } from "node:child_process";
import { projectRoot } from "./project";

/** A Node script of the project running as a child process, its output kept for the test to read. */
export interface NodeProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Both streams, in the order their chunks came. */
  output: () => string;
  /** Its exit code; null when a signal ended it. */
  exited: Promise<number | null>;
}

export interface NodeProcessOptions {
  args?: readonly string[];
  /** Its whole environment besides PATH: nothing of the test's own leaks in. */
  env: Record<string, string>;
  /** Written to its stdin, which is then closed. */
  input?: string;
}

/** Starts `script` with the Node running the tests, from the project's root. */
export function startNodeProcess(script: string, options: NodeProcessOptions): NodeProcess {
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const text = { stdout: "", stderr: "", output: "" };
  child.stdout?.on("data", (chunk: Buffer) => {
    text.stdout += chunk.toString();
    text.output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    text.stderr += chunk.toString();
    text.output += chunk.toString();
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => text.stdout, stderr: () => text.stderr, output: () => text.output, exited };
}

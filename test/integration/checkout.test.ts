import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "../support/project";

/**
 * Issue #14, item 6: `make up` modified package-lock.json (other platforms' optional packages). A
 * fresh clone of this checkout's HEAD is installed and built as `make up` does before it starts, and
 * `make typecheck` too: `git status` must stay clean. (Uncommitted changes are not in the clone.)
 */
describe("a fresh clone", () => {
  jest.setTimeout(300_000);
  let clone: string;

  beforeAll(() => {
    clone = mkdtempSync(path.join(tmpdir(), "tweetmesh-clone-"));
    execFileSync("git", ["clone", "--quiet", "--local", projectRoot(), clone]);
  });

  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  const status = () => execFileSync("git", ["status", "--porcelain"], { cwd: clone, encoding: "utf8" });

  it("stays clean after make build and make typecheck: no target rewrites a tracked file", () => {
    expect(status()).toBe("");
    execFileSync("make", ["--no-print-directory", "build"], { cwd: clone, stdio: "ignore" });
    expect(status()).toBe("");
    execFileSync("make", ["--no-print-directory", "typecheck"], { cwd: clone, stdio: "ignore" });
    expect(status()).toBe("");
  });
});

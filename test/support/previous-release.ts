import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "./project";

/**
 * The previous release of this project, from git history, built in a folder of its own: the old
 * side of a rolling deploy. A release is a version in package.json without a pre-release suffix; the
 * previous one is the newest such version other than the working tree's, at its last commit.
 */
export interface Release {
  version: string;
  commit: string;
  /** The built release's server, `dist/bin/server.js`. */
  server: string;
}

const ROOT = projectRoot();
const RELEASED = /^\d+\.\d+\.\d+$/;

function git(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  }).toString();
}

function versionAt(commit: string): string {
  return (JSON.parse(git("show", `${commit}:package.json`)) as { version: string }).version;
}

/** The previous release's version and last commit, or why there is none to find. */
export function findPreviousRelease(): { version: string; commit: string } | { missing: string } {
  const current = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
  let history: string[];
  try {
    history = git("log", "--format=%H", "--", "package.json").split("\n").filter(Boolean);
  } catch {
    return { missing: "this checkout has no git history" };
  }
  // Each commit here changed package.json; a version's last commit is the parent of the next change.
  let newer = "WORKTREE";
  for (const commit of history) {
    const version = versionAt(commit);
    if (version !== current && RELEASED.test(version)) {
      const last = newer === "WORKTREE" ? git("rev-parse", "HEAD").trim() : git("rev-parse", `${newer}^`).trim();
      if (versionAt(last) === version) return { version, commit: last };
    }
    newer = commit;
  }
  const shallow = git("rev-parse", "--is-shallow-repository").trim() === "true";
  return {
    missing: shallow
      ? "this clone is shallow: git history holds no earlier release"
      : `git history holds no release before ${current}`,
  };
}

/** Points a release's node_modules at this tree's, replacing a link that may point at another checkout. */
function linkModules(dir: string): void {
  const link = path.join(dir, `node_modules.link-${process.pid}`);
  symlinkSync(path.join(ROOT, "node_modules"), link);
  renameSync(link, path.join(dir, "node_modules"));
}

/**
 * Builds a release from `git archive` into the temporary folder (once per commit). It uses this
 * tree's node_modules when the release's dependencies are the same, else installs its own.
 */
export function buildRelease(
  found: { version: string; commit: string },
  log: (line: string) => void = () => undefined,
): Release {
  const dir = path.join(tmpdir(), `tweetmesh-release-${found.version}-${found.commit.slice(0, 12)}`);
  const server = path.join(dir, "dist/bin/server.js");
  if (existsSync(server)) {
    // The build is shared by checkouts; the one that linked its node_modules may be gone since.
    if (lstatSync(path.join(dir, "node_modules")).isSymbolicLink()) linkModules(dir);
    return { ...found, server };
  }
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  log(`building release ${found.version} (${found.commit.slice(0, 12)}) in ${dir}`);
  execFileSync("sh", ["-c", `git archive ${found.commit} | tar -x -C "${building}"`], { cwd: ROOT, stdio: "inherit" });
  const dependencies = (root: string) =>
    JSON.stringify(
      (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: object }).dependencies,
    );
  const node = path.join(ROOT, "scripts/node.sh");
  if (dependencies(building) === dependencies(ROOT)) linkModules(building);
  else
    execFileSync(node, ["npm", "install", "--no-fund", "--no-audit", "--loglevel=error"], {
      cwd: building,
      stdio: "inherit",
    });
  execFileSync(node, ["npm", "run", "--silent", "build"], {
    cwd: building,
    stdio: "inherit",
    env: { ...process.env, GIT_COMMIT: found.commit.slice(0, 12) },
  });
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return { ...found, server };
}

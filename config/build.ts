import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** Which build a node runs: announced in its Moleculer metadata, shown by `nodes` and `/version`. */
export const BuildInfo = z.object({ version: z.string(), commit: z.string() });
export type BuildInfo = z.infer<typeof BuildInfo>;

/** The stamp `npm run build` writes to dist/build.json; from the sources (tests), package.json's version. */
export function readBuildInfo(): BuildInfo {
  for (const dir of [path.resolve(__dirname, ".."), path.resolve(__dirname, "../dist")]) {
    const stamp = path.join(dir, "build.json");
    if (existsSync(stamp)) return BuildInfo.parse(JSON.parse(readFileSync(stamp, "utf8")));
  }
  const pkg = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(path.resolve(__dirname, "../package.json"), "utf8")));
  return { version: pkg.version, commit: process.env.GIT_COMMIT ?? "unknown" };
}

import { existsSync } from "node:fs";
import path from "node:path";

/** The project's root, whether the caller runs from its sources (jest) or from a build folder (the bench). */
export function projectRoot(dir = __dirname): string {
  return existsSync(path.join(dir, "package.json")) || path.dirname(dir) === dir ? dir : projectRoot(path.dirname(dir));
}

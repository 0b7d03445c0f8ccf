/**
 * The shared real captures live beside the project (or wherever SHARED_DATA says), never in it:
 * tests on them skip, saying why, when they are absent.
 */
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "./project";

export const sharedDataDir = process.env.SHARED_DATA ?? path.resolve(projectRoot(), "../shared/data");

/** A file or folder of the shared data, e.g. `tweets/v1`. */
export const sharedPath = (relative: string): string => path.join(sharedDataDir, relative);

/** `describe` when the shared `relative` path exists, else a skipped `describe` whose title says what is missing. */
export function describeWithSharedData(title: string, relative: string, body: () => void): void {
  const location = sharedPath(relative);
  if (fs.existsSync(location)) describe(`${title} (${location})`, body);
  else describe.skip(`${title}: SKIPPED, ${location} not found (set SHARED_DATA to the shared data folder)`, body);
}

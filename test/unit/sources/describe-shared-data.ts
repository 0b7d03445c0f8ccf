import fs from "node:fs";
import { sharedPath } from "../../support/shared-data";

/** `describe` when the shared `relative` path exists, else a skipped `describe` whose title says what is missing. */
export function describeWithSharedData(title: string, relative: string, body: () => void): void {
  const location = sharedPath(relative);
  if (fs.existsSync(location)) describe(`${title} (${location})`, body);
  else describe.skip(`${title}: SKIPPED, ${location} not found (set SHARED_DATA to the shared data folder)`, body);
}

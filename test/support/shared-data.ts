/**
 * The shared real captures live beside the project (or wherever SHARED_DATA says), never in it:
 * tests on them skip, saying why, when they are absent.
 */
import path from "node:path";
import { projectRoot } from "./project";

export const sharedDataDir = process.env.SHARED_DATA ?? path.resolve(projectRoot(), "../shared/data");

/** A file or folder of the shared data, e.g. `tweets/v1`. */
export const sharedPath = (relative: string): string => path.join(sharedDataDir, relative);

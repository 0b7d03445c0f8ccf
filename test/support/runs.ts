import { Run } from "../../contracts/run";

/** A run as the store holds it, built through its schema so that every default comes from one place. */
export function aRun(overrides: Partial<Run> = {}): Run {
  return Run.parse({ id: "run-1", track: ["bieber"], source: "generator", started_at: 1_000_000, ...overrides });
}

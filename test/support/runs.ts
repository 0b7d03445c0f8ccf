import { Run } from "../../contracts/run";

/** A run as the store holds it, built through its schema so that every default comes from one place. */
export function aRun(overrides: Partial<Run> = {}): Run {
  return Run.parse({ id: "run-1", track: ["bieber"], source: "generator", started_at: 1_000_000, ...overrides });
}

/** X's limits for the pay-per-use access level, as the launcher is given them in these tests. */
export const RULE_LIMITS = { maxRules: 1000, maxRuleLength: 1024 };

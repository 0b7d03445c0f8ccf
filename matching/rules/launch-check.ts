import type { FieldError } from "../../contracts/validation";
import { parseRule, RuleSyntaxError } from "./syntax";

/** The limits a run's rules are held to, on every source: X's, so that a run is portable to the X source. */
export interface RuleLimits {
  /** Rules a run may have (X_MAX_RULES). */
  maxRules: number;
  /** Characters of one rule (X_MAX_RULE_LENGTH). */
  maxRuleLength: number;
}

/**
 * What is wrong with a launch's rules, each named `rules[i]` with the position and the reason, or
 * the list as a whole: [] when every rule parses within the limits. Run before anything changes.
 */
export function ruleProblems(rules: readonly string[], limits: RuleLimits): FieldError[] {
  if (rules.length > limits.maxRules) {
    const message = `rules may name at most ${limits.maxRules} rules (X_MAX_RULES), got ${rules.length}`;
    return [{ field: "rules", rule: "too_many_rules", message }];
  }
  return rules.flatMap((rule, index): FieldError[] => {
    try {
      parseRule(rule, { maxLength: limits.maxRuleLength });
      return [];
    } catch (error) {
      if (!(error instanceof RuleSyntaxError)) throw error;
      const message = `rule ${JSON.stringify(rule)}: ${error.reason} (at position ${error.position})`;
      return [{ field: `rules[${index}]`, rule: "invalid_rule", message }];
    }
  });
}

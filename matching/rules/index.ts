/**
 * A local evaluator of X's filtered-stream rule language (issue #15), pure and compiled once per
 * run like the track matcher: `parseRule` checks one rule, `compileRules` compiles a run's rules,
 * and its `matches(tweet)` says which of them a tweet matches. The language, and where it is known
 * to differ from X's own matching, are in docs/rules.md.
 */
export {
  RuleSyntaxError,
  parseRule,
  type ParseOptions,
  type ParsedRule,
  type RuleNode,
  type ClauseNode,
} from "./syntax";
export type { Clause } from "./operators";
export { compileRules, type RuleMatcher } from "./evaluate";
export { ruleProblems, type RuleLimits } from "./launch-check";

import { Errors } from "moleculer";
import type { TwitterApi } from "twitter-api-v2";
import { z } from "zod";
import type { Logger } from "../../core/logger";
import { errorText } from "../../core/error-text";
import type { SourceOptions, TweetSource } from "../source";
import { xClient, xFailure, XProblem, type XApiConfig, type XFailure } from "./api";

/**
 * The filtered stream's rules: X delivers only tweets that match the app's rules, so the rules must
 * equal the active run's track. On launch, each phrase becomes a rule tagged with the run id; the
 * rules are validated with a dry run first (an invalid one is the caller's 4xx and changes nothing),
 * then the rules of earlier runs are deleted and the new ones added.
 */

/** A rule to add: `value` is X's rule syntax, `tag` names the run it belongs to. */
export interface XRule {
  value: string;
  tag: string;
}

/** A rule the app holds, as the API lists it. */
export interface XActiveRule {
  id: string;
  value: string;
  tag?: string;
}

export interface XRuleLimits {
  /** Rules an app may hold at once (X_MAX_RULES). */
  maxRules: number;
  /** Characters of one rule (X_MAX_RULE_LENGTH). */
  maxRuleLength: number;
}

/** A phrase X cannot take as a rule, and why. */
export interface RuleProblem {
  phrase: string;
  reason: string;
}

/** Track phrases X refused (or that break a limit): a 422 naming each phrase and the reason. */
export class XRulesRejectedError extends Errors.MoleculerClientError {
  // Errors cross the transporter by name, and only Moleculer's own names come back with their code:
  // the `type` tells this one apart.
  override name = "MoleculerClientError";

  constructor(problems: readonly RuleProblem[]) {
    const list = problems.map((problem) => `"${problem.phrase}": ${problem.reason}`).join("; ");
    super(`track phrases the X API cannot take as filtered-stream rules: ${list}`, 422, "INVALID_RULES", {
      rules: problems,
    });
  }
}

/** X could not be reached or refused the app: a 503 (try again later) or 502 (the gateway's configuration is wrong). */
export class XApiUnavailableError extends Errors.MoleculerError {
  override name = "MoleculerError";

  constructor(message: string, code: 502 | 503, data: { status: number | null }) {
    super(message, code, code === 503 ? "X_API_UNAVAILABLE" : "X_API_REFUSED", data);
  }
}

/** A phrase `a b` is the rule `a b`: X's implicit AND of terms is the v1.1 track semantics. Duplicates are one rule. */
export function rulesFor(runId: string, track: readonly string[]): XRule[] {
  return [...new Set(track)].map((phrase) => ({ value: phrase, tag: runId }));
}

export interface RulesDiff {
  /** Active rules to delete: those of earlier runs, and any the app holds that the run does not want. */
  remove: XActiveRule[];
  add: XRule[];
}

/** What turns the active rules into the wanted ones; a rule is kept only with the same value and tag. */
export function rulesDiff(active: readonly XActiveRule[], wanted: readonly XRule[]): RulesDiff {
  const key = (rule: { value: string; tag?: string }): string => JSON.stringify([rule.value, rule.tag ?? ""]);
  const wantedKeys = new Set(wanted.map(key));
  const activeKeys = new Set(active.map(key));
  return {
    remove: active.filter((rule) => !wantedKeys.has(key(rule))),
    add: wanted.filter((rule) => !activeKeys.has(key(rule))),
  };
}

/** The limits, checked before any call: X would refuse these anyway, with a less clear message. */
export function ruleLimitProblems(rules: readonly XRule[], limits: XRuleLimits): RuleProblem[] {
  const tooLong = rules
    .filter((rule) => [...rule.value].length > limits.maxRuleLength)
    .map((rule) => ({
      phrase: rule.value,
      reason: `a rule is at most ${limits.maxRuleLength} characters (X_MAX_RULE_LENGTH)`,
    }));
  if (rules.length <= limits.maxRules) return tooLong;
  const reason = `${rules.length} phrases, but the X API allows ${limits.maxRules} rules at once (X_MAX_RULES)`;
  return [...tooLong, { phrase: rules.map((rule) => rule.value).join(","), reason }];
}

/** An entry of a rules response's `errors`: X reports each refused rule with its value. */
const RuleError = XProblem.extend({
  value: z.string().nullish(),
  details: z.array(z.string()).nullish(),
  id: z.string().nullish(),
});
type RuleError = z.infer<typeof RuleError>;

const RulesPage = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), value: z.string(), tag: z.string().nullish() })).nullish(),
  meta: z.looseObject({ next_token: z.string().nullish() }).nullish(),
});

const RulesUpdate = z.looseObject({ errors: z.array(RuleError).nullish() });

/** A rule X already holds is no problem for a dry run: the real add comes after the old rules are deleted. */
const isDuplicate = (error: RuleError): boolean =>
  error.title === "DuplicateRule" || (error.type ?? "").endsWith("duplicate-rules");

function ruleProblem(error: RuleError): RuleProblem {
  const reason = error.details?.join("; ") || error.detail || error.title || "refused";
  return { phrase: error.value ?? "(unnamed rule)", reason };
}

/** The wire: the three rules calls, through the twitter-api-v2 client. */
export class XRulesApi {
  private readonly client: TwitterApi;

  constructor(private readonly config: XApiConfig) {
    this.client = xClient(config);
  }

  async list(): Promise<XActiveRule[]> {
    const rules: XActiveRule[] = [];
    let token: string | undefined;
    do {
      const page = RulesPage.parse(
        await this.call(() => this.client.v2.streamRules(token ? { pagination_token: token } : {})),
      );
      rules.push(
        ...(page.data ?? []).map((rule) =>
          rule.tag ? { id: rule.id, value: rule.value, tag: rule.tag } : { id: rule.id, value: rule.value },
        ),
      );
      token = page.meta?.next_token ?? undefined;
    } while (token);
    return rules;
  }

  /** Adds rules (or, with `dryRun`, only validates them); answers the rules X refused. */
  async add(rules: readonly XRule[], dryRun: boolean): Promise<RuleError[]> {
    const answer = await this.call(() => this.client.v2.updateStreamRules({ add: [...rules] }, { dry_run: dryRun }));
    return RulesUpdate.parse(answer).errors ?? [];
  }

  async remove(ids: readonly string[]): Promise<RuleError[]> {
    const answer = await this.call(() => this.client.v2.updateStreamRules({ delete: { ids: [...ids] } }));
    return RulesUpdate.parse(answer).errors ?? [];
  }

  /** Runs a call, turning the client's errors into the caller's 502/503: never the token, never the client's request. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw unavailable(xFailure(error, this.config.bearerToken));
    }
  }
}

function unavailable(failure: XFailure): XApiUnavailableError {
  const { detail } = failure;
  if (failure.kind === "network")
    return new XApiUnavailableError(`the X API cannot be reached: ${detail}`, 503, { status: null });
  const { status } = failure;
  if (status === 401 || status === 403) {
    return new XApiUnavailableError(`the X API refused the app's bearer token (${detail}): check X_BEARER_TOKEN`, 502, {
      status,
    });
  }
  if (status === 429 || status >= 500)
    return new XApiUnavailableError(`the X API cannot take rules now (${detail})`, 503, { status });
  return new XApiUnavailableError(`the X API refused the rules request (${detail})`, 502, { status });
}

/**
 * Keeps the app's rules equal to the active run's track. `check` runs before a launch changes
 * anything, `apply` once the run exists (its id is the rules' tag).
 */
export class XRuleKeeper {
  constructor(
    private readonly api: XRulesApi,
    private readonly limits: XRuleLimits,
    private readonly logger: Pick<Logger, "info">,
  ) {}

  /** Throws a 422 naming each phrase X would refuse, or a 502/503 when X cannot say. */
  async check(track: readonly string[]): Promise<void> {
    const rules = rulesFor("dry-run", track);
    const limited = ruleLimitProblems(rules, this.limits);
    if (limited.length > 0) throw new XRulesRejectedError(limited);
    const refused = (await this.api.add(rules, true)).filter((error) => !isDuplicate(error));
    if (refused.length > 0) throw new XRulesRejectedError(refused.map(ruleProblem));
  }

  /** Deletes the rules of earlier runs, then adds the run's: deleting first keeps under the rule cap and avoids duplicates. */
  async apply(runId: string, track: readonly string[]): Promise<void> {
    const diff = rulesDiff(await this.api.list(), rulesFor(runId, track));
    if (diff.remove.length > 0) await this.api.remove(diff.remove.map((rule) => rule.id));
    const refused = diff.add.length > 0 ? await this.api.add(diff.add, false) : [];
    if (refused.length > 0) throw new XRulesRejectedError(refused.map(ruleProblem));
    this.logger.info(
      `X filtered-stream rules of run ${runId}: ${diff.add.length} added, ${diff.remove.length} of earlier runs deleted`,
    );
  }
}

/**
 * The X stream, once the app's rules are the run's: the worker that streams checks them before it
 * connects, so a worker taking a run over, or the later of two launches racing on two workers, puts
 * them right. The check changes only what differs. If X cannot be reached for it, the stream goes on
 * with the rules as they are (set at launch) rather than failing the run.
 */
export function streamWithRunRules(
  source: TweetSource,
  syncRules: () => Promise<void>,
  logger: Pick<Logger, "warn">,
): TweetSource {
  return {
    name: source.name,
    health: source.health?.bind(source),
    async *items(options: SourceOptions) {
      try {
        await syncRules();
      } catch (error) {
        logger.warn(
          `X rules could not be checked before streaming (${errorText(error)}); streaming with the rules as they are`,
        );
      }
      yield* source.items(options);
    },
  };
}

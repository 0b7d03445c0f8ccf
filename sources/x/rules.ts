import { Errors } from "moleculer";
import type { TwitterApi } from "twitter-api-v2";
import { z } from "zod";
import type { Logger } from "../../core/logger";
import { errorText } from "../../core/error-text";
import type { SourceOptions, TweetSource } from "../source";
import { xClient, xFailure, XProblem, type XApiConfig, type XFailure } from "./api";
import { NO_RESERVATION, XRuleBudgetError, type RuleBudget, type RuleReservation } from "./rule-budget";

/**
 * The filtered stream's rules: X delivers (and bills) only posts that match the app's rules, so the
 * rules must equal the active run's settings. Each phrase becomes a rule, carrying the run's
 * languages, tagged with the mesh's tag (the same for every run, so that a rule a later run wants too
 * is kept, not sent again). A launch reads the rules X holds, reserves the POSTs the change needs
 * from the mesh's budget (rule-budget.ts), validates only the values X does not hold yet with a dry
 * run (an invalid one is the caller's 4xx and changes nothing), and once the run exists deletes the
 * rules it does not want and adds the new ones. Unchanged rules cost no POST at all.
 */

/** What a run asks of X: its track phrases and the languages it keeps. The rules are built from these alone. */
export interface XRuleSettings {
  track: readonly string[];
  /** The run's own X rules, sent as they are beside its track phrases; none when absent. */
  rules?: readonly string[];
  languages: readonly string[];
}

/** A rule to add: `value` is X's rule syntax, `tag` names the mesh that keeps it. */
export interface XRule {
  value: string;
  tag: string;
}

/** A rule a run wants, and the phrase it comes from: errors name the phrase, not the rule. */
export interface WantedRule extends XRule {
  phrase: string;
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
    super(`track phrases or rules the X API cannot take as filtered-stream rules: ${list}`, 422, "INVALID_RULES", {
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

/** The tag of every rule the mesh sets: one per NAMESPACE, so that rules survive from run to run. */
export function ruleTag(namespace: string): string {
  return namespace ? `tweetmesh:${namespace}` : "tweetmesh";
}

/**
 * The rules a run sends X, all built here. A phrase `a b` is the rule `a b`: X's implicit AND of terms
 * is the v1.1 track semantics. With languages, every rule carries them (`(a b) (lang:en OR lang:es)`),
 * so that X delivers, and bills, only posts in those languages. Duplicates are one rule.
 */
export function xRulesFor(settings: XRuleSettings, tag: string): WantedRule[] {
  const languages = languageClause(settings.languages);
  return [...new Set([...settings.track, ...(settings.rules ?? [])])].map((phrase) => ({
    phrase,
    value: languages ? `(${phrase}) ${languages}` : phrase,
    tag,
  }));
}

/** `lang:en`, or `(lang:en OR lang:es)`; empty for no languages. */
function languageClause(languages: readonly string[]): string {
  const operators = [...new Set(languages)].map((code) => `lang:${code}`);
  return operators.length > 1 ? `(${operators.join(" OR ")})` : (operators[0] ?? "");
}

export interface RulesDiff {
  /** Active rules to delete: those of earlier settings, and any the app holds that the run does not want. */
  remove: XActiveRule[];
  add: WantedRule[];
}

/** What turns the active rules into the wanted ones; a rule is kept only with the same value and tag. */
export function rulesDiff(active: readonly XActiveRule[], wanted: readonly WantedRule[]): RulesDiff {
  const key = (rule: { value: string; tag?: string }): string => JSON.stringify([rule.value, rule.tag ?? ""]);
  const wantedKeys = new Set(wanted.map(key));
  const activeKeys = new Set(active.map(key));
  return {
    remove: active.filter((rule) => !wantedKeys.has(key(rule))),
    add: wanted.filter((rule) => !activeKeys.has(key(rule))),
  };
}

/** POSTs a diff costs: a dry run (when asked) and an add for the new values, a delete for the old ones. */
export function requestsOf(diff: RulesDiff, withDryRun: boolean): number {
  const adds = diff.add.length > 0 ? (withDryRun ? 2 : 1) : 0;
  return adds + (diff.remove.length > 0 ? 1 : 0);
}

/** The limits, checked before any call: X would refuse these anyway, with a less clear message. */
export function ruleLimitProblems(rules: readonly WantedRule[], limits: XRuleLimits): RuleProblem[] {
  const tooLong = rules
    .filter((rule) => [...rule.value].length > limits.maxRuleLength)
    .map((rule) => ({
      phrase: rule.phrase,
      reason: `a rule is at most ${limits.maxRuleLength} characters (X_MAX_RULE_LENGTH), languages included`,
    }));
  if (rules.length <= limits.maxRules) return tooLong;
  const reason = `${rules.length} phrases, but the X API allows ${limits.maxRules} rules at once (X_MAX_RULES)`;
  return [...tooLong, { phrase: rules.map((rule) => rule.phrase).join(","), reason }];
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

/** A rule X already holds: a launch racing with another added it first, which is what both wanted. */
const isDuplicate = (error: RuleError): boolean =>
  error.title === "DuplicateRule" || (error.type ?? "").endsWith("duplicate-rules");

/** X's error, naming the phrase behind the rule it refused. */
function ruleProblem(error: RuleError, wanted: readonly WantedRule[]): RuleProblem {
  const reason = error.details?.join("; ") || error.detail || error.title || "refused";
  const phrase = wanted.find((rule) => rule.value === error.value)?.phrase ?? error.value;
  return { phrase: phrase ?? "(unnamed rule)", reason };
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
    const add = rules.map(({ value, tag }) => ({ value, tag }));
    const answer = await this.call(() => this.client.v2.updateStreamRules({ add }, { dry_run: dryRun }));
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

function unavailable(failure: XFailure): XApiUnavailableError | XRuleBudgetError {
  const { detail } = failure;
  if (failure.kind === "network")
    return new XApiUnavailableError(`the X API cannot be reached: ${detail}`, 503, { status: null });
  const { status } = failure;
  if (status === 401 || status === 403) {
    return new XApiUnavailableError(`the X API refused the app's bearer token (${detail}): check X_BEARER_TOKEN`, 502, {
      status,
    });
  }
  if (status === 429 && failure.resetAt !== undefined) {
    const wait = Math.max(1, Math.ceil(failure.resetAt - Date.now() / 1000));
    return new XRuleBudgetError(`the X API refuses more rule requests for now (${detail}); retry in ${wait} s`, wait);
  }
  if (status === 429 || status >= 500)
    return new XApiUnavailableError(`the X API cannot take rules now (${detail})`, 503, { status });
  return new XApiUnavailableError(`the X API refused the rules request (${detail})`, 502, { status });
}

/** What a checked launch applies once its run exists; the run ends as `source_failed` if it throws. */
export interface PreparedRules {
  apply(runId: string): Promise<void>;
}

/**
 * Keeps the app's rules equal to the active run's settings, within the mesh's budget of rule
 * requests. `check` runs before a launch changes anything, `apply` (of what it answers) once the run
 * exists, `sync` on the worker that streams, before it connects.
 */
export class XRuleKeeper {
  constructor(
    private readonly api: XRulesApi,
    private readonly limits: XRuleLimits,
    private readonly budget: RuleBudget,
    /** The mesh's tag (`ruleTag`). */
    private readonly tag: string,
    private readonly logger: Pick<Logger, "info">,
  ) {}

  /**
   * Throws a 422 naming each phrase X would refuse, a 429 when the budget has no room for the change,
   * or a 502/503 when X cannot say. Reserves every POST of the change, so that the run, once created,
   * is never refused for want of budget.
   */
  async check(settings: XRuleSettings): Promise<PreparedRules> {
    const wanted = xRulesFor(settings, this.tag);
    const limited = ruleLimitProblems(wanted, this.limits);
    if (limited.length > 0) throw new XRulesRejectedError(limited);
    const diff = rulesDiff(await this.api.list(), wanted);
    const requests = requestsOf(diff, true);
    const reservation = await this.reserve(requests);
    try {
      await this.validate(diff.add);
    } catch (error) {
      // Only the dry run was sent: the delete and the add will not be.
      await reservation.release(requests - 1);
      throw error;
    }
    return { apply: (runId) => this.change(runId, diff) };
  }

  /** Puts right what differs from the run's settings (a takeover, launches racing); throws a 429 when the budget has no room. */
  async sync(runId: string, settings: XRuleSettings): Promise<void> {
    const diff = rulesDiff(await this.api.list(), xRulesFor(settings, this.tag));
    await this.reserve(requestsOf(diff, false));
    await this.change(runId, diff);
  }

  private reserve(requests: number): Promise<RuleReservation> {
    return requests === 0 ? Promise.resolve(NO_RESERVATION) : this.budget.reserve(requests);
  }

  /** The dry run, of the values X does not hold yet. */
  private async validate(rules: readonly WantedRule[]): Promise<void> {
    if (rules.length === 0) return;
    const refused = (await this.api.add(rules, true)).filter((error) => !isDuplicate(error));
    if (refused.length > 0) throw new XRulesRejectedError(refused.map((error) => ruleProblem(error, rules)));
  }

  /** Deletes first, then adds: deleting first keeps under the rule cap. */
  private async change(runId: string, diff: RulesDiff): Promise<void> {
    if (diff.remove.length === 0 && diff.add.length === 0) return;
    // A rule already gone was deleted by a launch racing with this one: what both wanted.
    if (diff.remove.length > 0) await this.api.remove(diff.remove.map((rule) => rule.id));
    const added = diff.add.length > 0 ? await this.api.add(diff.add, false) : [];
    const refused = added.filter((error) => !isDuplicate(error));
    if (refused.length > 0) throw new XRulesRejectedError(refused.map((error) => ruleProblem(error, diff.add)));
    this.logger.info(
      `X filtered-stream rules for run ${runId}: ${diff.add.length} added, ${diff.remove.length} deleted`,
    );
  }
}

/**
 * The X stream, once the app's rules are the run's: the worker that streams checks them before it
 * connects, so a worker taking a run over, or the later of two launches racing on two workers, puts
 * them right. The check changes only what differs. If X cannot be reached for it, or the mesh's rule
 * budget has no room, the stream goes on with the rules as they are (set at launch), with one warning,
 * rather than failing the run.
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

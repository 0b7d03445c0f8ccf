import {
  CONJUNCTION_REQUIRED,
  HAS_FLAGS,
  IS_FLAGS,
  NOT_EVALUATED,
  VALUE_OPERATORS,
  type Clause,
  type ValueOperator,
} from "./operators";
import { isPunctuationOrSeparator, textTokens } from "./text-tokens";

/**
 * X's rule language parsed into a tree, following "Build a rule" and the operator reference of
 * X API v2 filtered stream: clauses joined by a space are ANDed, by an upper-case `OR` ORed, AND
 * binding tighter than OR (`a b OR c` is `(a b) OR c`); `-` negates one clause; parentheses group.
 * Positions are 1-based and count characters (code points), as X's own errors say "at position N".
 */

/** A rule X's structure forbids or this evaluator cannot read; `position` is 1-based. */
export class RuleSyntaxError extends Error {
  constructor(
    readonly rule: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`rule ${JSON.stringify(rule)}: ${reason} (at position ${position})`);
    this.name = "RuleSyntaxError";
  }
}

export interface ClauseNode {
  readonly type: "clause";
  readonly position: number;
  /** The clause as written in the rule. */
  readonly written: string;
  readonly clause: Clause;
  /** Whether it may make a rule on its own (see `anchors`). */
  readonly standalone: boolean;
}

export type RuleNode =
  | ClauseNode
  | { readonly type: "not"; readonly position: number; readonly clause: ClauseNode }
  | { readonly type: "and"; readonly position: number; readonly terms: readonly RuleNode[] }
  | { readonly type: "or"; readonly position: number; readonly alternatives: readonly RuleNode[] };

export interface ParsedRule {
  readonly text: string;
  readonly root: RuleNode;
}

export interface ParseOptions {
  /** Characters a rule may have: X's limit for the app's access level (1,024 pay-per-use, 2,048 enterprise). */
  readonly maxLength: number;
}

// ---- lexing ---------------------------------------------------------------------------------

type Lexeme =
  | { readonly type: "(" | ")" | "OR" | "-"; readonly at: number }
  | { readonly type: "word"; readonly at: number; readonly text: string }
  | { readonly type: "quoted"; readonly at: number; readonly text: string; readonly written: string }
  | {
      readonly type: "operator";
      readonly at: number;
      readonly name: string;
      readonly value: string;
      readonly written: string;
    };

const isSpace = (char: string | undefined): boolean => char !== undefined && /^\s$/u.test(char);
const OPERATOR_WORD = /^([A-Za-z_]+):(.*)$/su;

/** Reads a rule's characters (code points, so positions count them as X does) into lexemes. */
class Lexer {
  private index = 0;

  constructor(
    private readonly rule: string,
    private readonly chars: readonly string[],
  ) {}

  lexemes(): Lexeme[] {
    const lexemes: Lexeme[] = [];
    for (;;) {
      while (isSpace(this.chars[this.index])) this.index++;
      if (this.index >= this.chars.length) return lexemes;
      lexemes.push(this.next());
    }
  }

  private next(): Lexeme {
    const at = this.index + 1;
    const char = this.chars[this.index];
    if (char === "(" || char === ")") {
      this.index++;
      return { type: char, at };
    }
    if (char === '"') return this.quoted(at);
    if (char === "-") {
      const following = this.chars[this.index + 1];
      if (following === undefined || isSpace(following))
        this.fail(at, "a '-' must come right before the clause it negates, without a space");
      this.index++;
      return { type: "-", at };
    }
    return this.word(at);
  }

  /** A word runs to a space, a parenthesis or a quote; `name:"…"` takes the quoted value. */
  private word(at: number): Lexeme {
    const start = this.index;
    while (
      this.index < this.chars.length &&
      !isSpace(this.chars[this.index]) &&
      !'()"'.includes(this.chars[this.index] ?? "")
    )
      this.index++;
    const text = this.chars.slice(start, this.index).join("");
    if (text === "OR") return { type: "OR", at };
    const operator = OPERATOR_WORD.exec(text);
    if (operator === null) return { type: "word", at, text };
    const [, name = "", inlineValue = ""] = operator;
    if (inlineValue === "" && this.chars[this.index] === '"') {
      const quoted = this.quoted(this.index + 1);
      if (quoted.type !== "quoted") return quoted;
      return { type: "operator", at, name: name.toLowerCase(), value: quoted.text, written: text + quoted.written };
    }
    return { type: "operator", at, name: name.toLowerCase(), value: inlineValue, written: text };
  }

  /** `"…"`, where `\"` is a quote and `\\` a backslash (X's "Toys \"R\" Us"). */
  private quoted(at: number): Lexeme {
    const start = this.index;
    let text = "";
    this.index++;
    for (;;) {
      const char = this.chars[this.index];
      if (char === undefined) this.fail(at, "this quote is never closed");
      this.index++;
      if (char === '"') break;
      if (char === "\\" && (this.chars[this.index] === '"' || this.chars[this.index] === "\\")) {
        text += this.chars[this.index];
        this.index++;
      } else {
        text += char;
      }
    }
    if (this.chars[this.index] === "~")
      this.fail(this.index + 1, 'proximity ("…"~N) is an X operator this evaluator does not evaluate');
    return { type: "quoted", at, text, written: this.chars.slice(start, this.index).join("") };
  }

  private fail(position: number, reason: string): never {
    throw new RuleSyntaxError(this.rule, position, reason);
  }
}

// ---- parsing --------------------------------------------------------------------------------

/** Recursive descent over the lexemes: or := and (OR and)*, and := unary+, unary := -clause | (or) | clause. */
class Parser {
  private index = 0;

  constructor(
    private readonly rule: string,
    private readonly lexemes: readonly Lexeme[],
  ) {}

  parse(): RuleNode {
    const root = this.or();
    const stray = this.peek();
    if (stray !== undefined) this.fail(stray.at, "this ')' closes no '('");
    return root;
  }

  private peek(): Lexeme | undefined {
    return this.lexemes[this.index];
  }

  private or(): RuleNode {
    const first = this.and();
    const alternatives = [first];
    for (let next = this.peek(); next?.type === "OR"; next = this.peek()) {
      this.index++;
      const after = this.peek();
      if (after === undefined || after.type === "OR" || after.type === ")")
        this.fail(next.at, "OR needs a clause on each side");
      alternatives.push(this.and());
    }
    return alternatives.length === 1 ? first : { type: "or", position: first.position, alternatives };
  }

  private and(): RuleNode {
    const terms: RuleNode[] = [];
    for (let next = this.peek(); next !== undefined && next.type !== "OR" && next.type !== ")"; next = this.peek())
      terms.push(this.unary());
    const [first] = terms;
    if (first === undefined) return this.missingClause();
    return terms.length === 1 ? first : { type: "and", position: first.position, terms };
  }

  /** Where a clause was due and none came. */
  private missingClause(): never {
    const next = this.peek();
    if (next === undefined) this.fail([...this.rule].length, "a clause is missing here");
    if (next.type === "OR") this.fail(next.at, "OR needs a clause on each side");
    this.fail(next.at, "a group needs at least one clause");
  }

  private unary(): RuleNode {
    const lexeme = this.peek();
    if (lexeme === undefined) return this.missingClause();
    this.index++;
    if (lexeme.type === "-") return this.negation(lexeme.at);
    if (lexeme.type === "(") return this.group(lexeme.at);
    return this.positive(this.clause(lexeme));
  }

  private group(at: number): RuleNode {
    const inner = this.or();
    if (this.peek()?.type !== ")") this.fail(at, "this '(' is never closed");
    this.index++;
    return inner;
  }

  /** X: "Do not negate grouped operators", and a negation applies to one clause. */
  private negation(at: number): RuleNode {
    const next = this.peek();
    if (next?.type === "(")
      this.fail(at, "a group cannot be negated: negate each clause instead, as in skiing -snow -day -noschool");
    if (next === undefined || next.type === "OR" || next.type === ")" || next.type === "-")
      this.fail(at, "a '-' must come right before the clause it negates");
    this.index++;
    return { type: "not", position: at, clause: this.clause(next) };
  }

  private positive(node: ClauseNode): ClauseNode {
    if (node.clause.kind === "is" && node.clause.flag === "nullcast")
      this.fail(node.position, "is:nullcast must always be negated (-is:nullcast)");
    return node;
  }

  private clause(lexeme: Lexeme): ClauseNode {
    switch (lexeme.type) {
      case "word":
        return this.word(lexeme.at, lexeme.text);
      case "quoted":
        return this.phrase(lexeme.at, lexeme.text, lexeme.written);
      case "operator":
        return this.operator(lexeme.at, lexeme.name, lexeme.value, lexeme.written);
      default:
        return this.fail(lexeme.at, `a clause is missing before this '${lexeme.type}'`);
    }
  }

  private word(at: number, text: string): ClauseNode {
    if (text === "AND")
      this.fail(at, 'AND is not an operator: a space joins two clauses; quote "and" to match the word');
    const node = (clause: Clause): ClauseNode => ({
      type: "clause",
      position: at,
      written: text,
      clause,
      standalone: true,
    });
    const sigil = text[0];
    const name = text.slice(1).toLowerCase();
    if (sigil === "#" || sigil === "@" || sigil === "$") {
      if (name === "") this.fail(at, `'${sigil}' needs a name right after it`);
      return node({ kind: sigil === "#" ? "hashtag" : sigil === "@" ? "mention" : "cashtag", name });
    }
    if (isPunctuationOrSeparator(text.codePointAt(0) ?? 0))
      this.fail(at, `a keyword must start with a letter, a digit or a symbol: quote "${text}" to match punctuation`);
    const tokens = textTokens(text);
    if (tokens.length === 0) this.fail(at, `"${text}" holds no word to match`);
    return node({ kind: "keyword", tokens });
  }

  private phrase(at: number, text: string, written: string): ClauseNode {
    const tokens = textTokens(text);
    if (tokens.length === 0) this.fail(at, "this quoted phrase holds no word to match");
    return { type: "clause", position: at, written, clause: { kind: "phrase", tokens }, standalone: true };
  }

  private operator(at: number, name: string, value: string, written: string): ClauseNode {
    const node = (clause: Clause, standalone: boolean): ClauseNode => ({
      type: "clause",
      position: at,
      written,
      clause,
      standalone,
    });
    if (name === "is") {
      const flag = IS_FLAGS.get(value.toLowerCase());
      if (flag === undefined) this.fail(at, `is:${value} is not an operator this evaluator knows`);
      return node({ kind: "is", flag }, false);
    }
    if (name === "has") {
      const flag = HAS_FLAGS.get(value.toLowerCase());
      if (flag === undefined) this.fail(at, `has:${value} is not an operator this evaluator knows`);
      return node({ kind: "has", flag }, false);
    }
    const operator = VALUE_OPERATORS.get(name);
    if (operator !== undefined) return node(this.valueClause(at, name, operator, value), operator.standalone);
    if (NOT_EVALUATED.has(name)) this.fail(at, `${name}: is an X operator this evaluator does not evaluate`);
    return this.fail(at, `${name}: is not an operator: quote "${written}" to match it as text`);
  }

  private valueClause(at: number, name: string, operator: ValueOperator, value: string): Clause {
    if (!operator.value.test(value)) this.fail(at, `${name}: takes ${operator.expects}`);
    const lower = value.toLowerCase();
    if (operator.kind !== "url") {
      if (operator.kind === "from" || operator.kind === "to" || operator.kind === "retweets_of")
        return { kind: operator.kind, user: lower };
      return { kind: operator.kind, value: lower };
    }
    const tokens = textTokens(value);
    if (tokens.length === 0) this.fail(at, "url: needs a URL with at least one word in it");
    return { kind: "url", tokens };
  }

  private fail(position: number, reason: string): never {
    throw new RuleSyntaxError(this.rule, position, reason);
  }
}

// ---- X's structural rules ---------------------------------------------------------------------

/**
 * Whether a (sub)rule holds a positive standalone clause in every way it can match. X: "Conjunction
 * required operators cannot be used by themselves in a rule", "Negated operators cannot be used
 * alone", and "Negated ORs are not allowed where the rule would request everything in the firehose
 * except the negation" (`apple OR -ipad`): so each OR alternative needs one, an AND needs one term
 * that has one.
 */
function anchors(node: RuleNode): boolean {
  switch (node.type) {
    case "clause":
      return node.standalone;
    case "not":
      return false;
    case "and":
      return node.terms.some(anchors);
    case "or":
      return node.alternatives.every(anchors);
  }
}

/** The first alternative (or the rule) that fails `anchors`, for the error's position. */
function unanchored(node: RuleNode): RuleNode {
  if (node.type === "or") return node.alternatives.find((alternative) => !anchors(alternative)) ?? node;
  return node;
}

function holdsPositiveClause(node: RuleNode): boolean {
  switch (node.type) {
    case "clause":
      return true;
    case "not":
      return false;
    case "and":
      return node.terms.some(holdsPositiveClause);
    case "or":
      return node.alternatives.some(holdsPositiveClause);
  }
}

function checkAnchored(rule: string, root: RuleNode): void {
  if (anchors(root)) return;
  const part = unanchored(root);
  if (!holdsPositiveClause(root))
    throw new RuleSyntaxError(rule, part.position, "a rule must hold a clause that is not negated");
  if (!holdsPositiveClause(part))
    throw new RuleSyntaxError(
      rule,
      part.position,
      "a negated clause cannot stand alone (it would match every post without it): join it to a positive clause",
    );
  throw new RuleSyntaxError(
    rule,
    part.position,
    `${CONJUNCTION_REQUIRED} cannot stand alone: join them with a space to a standalone operator (a keyword, a "phrase", #, @, $, from:, url:…), in every OR alternative`,
  );
}

/**
 * Parses one rule; throws a RuleSyntaxError naming the rule, the position and the reason when it
 * is longer than `maxLength`, does not parse, uses an operator this evaluator does not know, or
 * breaks one of X's structural rules.
 */
export function parseRule(text: string, options: ParseOptions): ParsedRule {
  const chars = [...text];
  if (chars.length > options.maxLength)
    throw new RuleSyntaxError(
      text,
      options.maxLength + 1,
      `the rule is ${chars.length} characters long, more than the ${options.maxLength} allowed`,
    );
  const lexemes = new Lexer(text, chars).lexemes();
  if (lexemes.length === 0) throw new RuleSyntaxError(text, 1, "the rule is empty");
  const root = new Parser(text, lexemes).parse();
  checkAnchored(text, root);
  return { text, root };
}

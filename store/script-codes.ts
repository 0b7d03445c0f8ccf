/**
 * The status codes the Lua scripts of store/ return, kept once for Lua and TypeScript (as BullMQ
 * keeps its `ErrorCode`): `LuaScript` defines each as a Lua local in front of every script's text,
 * so a script says `return RUN_MISSING` and its TypeScript caller compares with
 * `SCRIPT_CODES.RUN_MISSING`. A script that returns data (a JSON list, an amount) returns a code
 * only where the data cannot be had.
 */
export const SCRIPT_CODES = {
  /** Done as asked: started, ended, held, released. */
  DONE: 1,
  /** Nothing changed: already ended, a lease held by another, or the current run changed meanwhile. */
  UNCHANGED: 0,
  /** The run's hash does not exist: never launched, expired, or Redis lost its data. */
  RUN_MISSING: -1,
  /** The mesh has MAX_SUBSCRIBERS subscribers: a new one cannot follow anything. */
  SUBSCRIBER_LIMIT: -2,
  /** The follows asked would take a subscriber past MAX_FOLLOWS_PER_SUBSCRIBER. */
  FOLLOW_LIMIT: -3,
  /** The mesh's budget of requests to X (X_RULE_REQUESTS_PER_15MIN) has no room for the ones asked. */
  BUDGET_SPENT: -4,
  /** The batch is older than the run's de-duplication window and not recorded: it cannot be told from new. */
  LATE: -5,
} as const;

export type ScriptCode = (typeof SCRIPT_CODES)[keyof typeof SCRIPT_CODES];

/** The Lua line that defines every code, put in front of each script (one line: error line numbers shift by one, and by the lines of its libraries). */
export const SCRIPT_CODES_PREAMBLE = `local ${Object.keys(SCRIPT_CODES).join(", ")} = ${Object.values(SCRIPT_CODES).join(", ")}\n`;

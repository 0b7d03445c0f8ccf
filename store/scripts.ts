import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Cluster } from "ioredis";
import type { RedisClient } from "./redis";
import { SCRIPT_CODES_PREAMBLE } from "./script-codes";

/**
 * A Lua script kept in a `.lua` file beside this loader, named `<name>-<number of keys>.lua` as
 * BullMQ keeps its commands; `<name>-<number>+.lua` takes at least that many keys, then more (one
 * per followed author or phrase, say). Scripts run by SHA: two versions of the mesh sharing one Redis during
 * a rolling deploy each run their own script text. Every script starts with the status codes of
 * ./script-codes.ts as Lua locals, then the libraries it names (`<name>.lib.lua`), then its own text.
 */
export class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly numberOfKeys: number,
    readonly source: string,
    /** Takes `numberOfKeys` keys or more. */
    readonly moreKeys = false,
  ) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  /** A script of its file, after the libraries (`<name>.lib.lua` files of functions) it calls. */
  static load(fileName: string, libraries: readonly string[] = []): LuaScript {
    const match = /^(.+)-(\d+)(\+?)\.lua$/.exec(fileName);
    if (!match?.[1] || !match[2]) throw new Error(`Lua script file name must be <name>-<keys>[+].lua: ${fileName}`);
    const read = (file: string) => readFileSync(path.join(__dirname, file), "utf8");
    return new LuaScript(
      match[1],
      Number(match[2]),
      SCRIPT_CODES_PREAMBLE + libraries.map((library) => `${read(library)}\n`).join("") + read(fileName),
      match[3] === "+",
    );
  }

  /** Runs the script by SHA, or by its text where that Redis (or cluster node) does not hold it yet. */
  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    this.checkKeys(keys);
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }

  /** Compiles the script on the Redis, or on every primary of a cluster: a script with an error fails here. */
  async ensureLoaded(redis: RedisClient): Promise<void> {
    const servers = redis instanceof Cluster ? redis.nodes("master") : [redis];
    await Promise.all(servers.map((server) => server.script("LOAD", this.source)));
  }

  private checkKeys(keys: readonly string[]): void {
    if (this.moreKeys ? keys.length < this.numberOfKeys : keys.length !== this.numberOfKeys) {
      throw new Error(
        `${this.name} takes ${this.numberOfKeys}${this.moreKeys ? " or more" : ""} keys, got ${keys.length}`,
      );
    }
  }
}

/** `join_ended_runs`: a run joins the running sums of the ended runs. */
const ENDED_RUNS = "ended-runs.lib.lua";
/** `advance_window`, `note_bucket`: a run's exactly-once state kept for its de-duplication window. */
const DEDUP_WINDOW = "dedup-window.lib.lua";

export const scripts = {
  launchRun: LuaScript.load("launch-run-5.lua", [ENDED_RUNS]),
  endRun: LuaScript.load("end-run-2.lua", [ENDED_RUNS]),
  admitMatches: LuaScript.load("admit-matches-8.lua", [ENDED_RUNS, DEDUP_WINDOW]),
  countMatches: LuaScript.load("count-matches-9+.lua", [DEDUP_WINDOW]),
  renewLease: LuaScript.load("renew-lease-1.lua"),
  releaseLease: LuaScript.load("release-lease-1.lua"),
  updateRun: LuaScript.load("update-run-1.lua"),
  follow: LuaScript.load("follow-3+.lua"),
  readTop: LuaScript.load("read-top-1+.lua"),
  unfollow: LuaScript.load("unfollow-3+.lua"),
  sumEndedRuns: LuaScript.load("sum-ended-runs-2+.lua"),
  showEdit: LuaScript.load("show-edit-1.lua"),
  reserveXRuleRequests: LuaScript.load("reserve-x-rule-requests-1.lua"),
  noteXUsage: LuaScript.load("note-x-usage-1.lua"),
};

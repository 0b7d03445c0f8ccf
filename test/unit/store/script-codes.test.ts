import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { SCRIPT_CODES, SCRIPT_CODES_PREAMBLE } from "../../../store/script-codes";
import { scripts } from "../../../store/scripts";

const STORE = path.join(__dirname, "../../../store");
const luaFiles = readdirSync(STORE).filter((file) => file.endsWith(".lua"));

describe("the Lua scripts' status codes", () => {
  it("are defined in front of every script's text", () => {
    for (const script of Object.values(scripts)) expect(script.source.startsWith(SCRIPT_CODES_PREAMBLE)).toBe(true);
    expect(SCRIPT_CODES_PREAMBLE).toBe(
      "local DONE, UNCHANGED, RUN_MISSING, SUBSCRIBER_LIMIT, FOLLOW_LIMIT, BUDGET_SPENT, LATE = 1, 0, -1, -2, -3, -4, -5\n",
    );
  });

  it.each(luaFiles)("%s returns codes by name, each one of the table", (file) => {
    const code = readFileSync(path.join(STORE, file), "utf8").replace(/--\[\[[\s\S]*?\]\]/, "");
    expect(code).not.toMatch(/return\s+-?\d+\s*$/m);
    const named = [...code.matchAll(/\breturn\s+\{?([A-Z][A-Z_]+)\b(?!\s*\[)/g)].map((match) => match[1] ?? "");
    for (const name of named) expect(Object.keys(SCRIPT_CODES)).toContain(name);
  });

  it("every script is loaded, and every library is loaded before a script that calls it", () => {
    expect(
      Object.values(scripts)
        .map((script) => `${script.name}-${script.numberOfKeys}${script.moreKeys ? "+" : ""}.lua`)
        .sort(),
    ).toEqual(luaFiles.filter((file) => !file.endsWith(".lib.lua")).sort());
    for (const library of luaFiles.filter((file) => file.endsWith(".lib.lua"))) {
      const text = readFileSync(path.join(STORE, library), "utf8");
      const functions = [...text.matchAll(/^local function (\w+)/gm)].map((match) => match[1] ?? "");
      expect(functions.length).toBeGreaterThan(0);
      for (const script of Object.values(scripts)) {
        const own = script.source.slice(
          script.source.lastIndexOf(text) >= 0 ? script.source.lastIndexOf(text) + text.length : 0,
        );
        const calls = functions.some((name) => new RegExp(`\\b${name}\\(`).test(own));
        expect({ script: script.name, calls, loaded: script.source.includes(text) }).toEqual({
          script: script.name,
          calls,
          loaded: calls,
        });
      }
    }
  });
});

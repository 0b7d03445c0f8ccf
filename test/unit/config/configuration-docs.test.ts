import { readFileSync } from "node:fs";
import path from "node:path";
import { EnvironmentVariables } from "../../../config/environment";

/**
 * The README's configuration table (variable, default, meaning) says what config/environment.ts
 * does: a row for every variable of the schema, none for a variable it does not know, and each
 * row's default as the schema gives it when nothing is set. A default is written in backticks
 * (`8004`, lists comma-separated); a variable without one (or whose default is empty) as an em dash
 * or "unset".
 */

const README = path.resolve(__dirname, "../../../README.md");
const NO_DEFAULT = ["—", "unset"];

interface Row {
  variable: string;
  defaultCell: string;
}

/** The cells of a Markdown table row, split on pipes that are not escaped. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The rows of the first table under the `## Configuration` heading. */
function configurationTable(markdown: string): Row[] {
  const lines = markdown.split("\n");
  const heading = lines.findIndex((line) => /^##\s+Configuration\s*$/.test(line));
  if (heading < 0) throw new Error("README.md has no '## Configuration' section");
  const section = lines.slice(heading + 1);
  const end = section.findIndex((line) => /^##\s/.test(line));
  const body = end < 0 ? section : section.slice(0, end);
  const header = body.findIndex((line) => /^\|\s*variable\s*\|\s*default\s*\|\s*meaning\s*\|\s*$/.test(line));
  if (header < 0) throw new Error("the Configuration section has no '| variable | default | meaning |' table");
  const rows: Row[] = [];
  for (const line of body.slice(header + 2)) {
    if (!line.trim().startsWith("|")) break;
    const [variableCell = "", defaultCell = ""] = cells(line);
    const variable = /^`([A-Z0-9_]+)`$/.exec(variableCell)?.[1];
    if (!variable) throw new Error(`a row of the configuration table does not name a variable in backticks: ${line}`);
    rows.push({ variable, defaultCell });
  }
  return rows;
}

/** A default as the table writes it: in backticks, or the em dash for none. */
function written(value: unknown): string {
  if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) return "—";
  return `\`${Array.isArray(value) ? value.join(",") : JSON.stringify(value).replace(/^"|"$/g, "")}\``;
}

const rows = configurationTable(readFileSync(README, "utf8"));
const variables = Object.keys(EnvironmentVariables.shape);
const defaults: Record<string, unknown> = EnvironmentVariables.parse({});

describe("the README's configuration table", () => {
  it("has a row for every variable of the environment schema", () => {
    const documented = new Set(rows.map((row) => row.variable));
    expect(variables.filter((variable) => !documented.has(variable))).toEqual([]);
  });

  it("names no variable the schema does not know", () => {
    const known = new Set(variables);
    expect(rows.map((row) => row.variable).filter((variable) => !known.has(variable))).toEqual([]);
  });

  it("has one row per variable", () => {
    const names = rows.map((row) => row.variable);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it.each(rows.filter((row) => variables.includes(row.variable)).map((row) => [row.variable, row.defaultCell]))(
    "gives %s the schema's default",
    (variable, defaultCell) => {
      const expected = written(defaults[variable]);
      if (expected === "—") expect(NO_DEFAULT).toContain(defaultCell);
      else expect(defaultCell).toBe(expected);
    },
  );
});

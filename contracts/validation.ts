import { Errors } from "moleculer";
import type { z } from "zod";

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/** A param's name as a caller writes it: `rules[2]`, `track[0]`, `page.limit`. */
export function fieldName(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(params)";
  return path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`))
    .join("");
}

/**
 * Parses action params with their schema, or throws a 422 naming each bad field and the rule it
 * broke. Actions call this themselves: the gateway and the REPL reach them the same way.
 */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const fields: FieldError[] = result.error.issues.map((issue) => ({
    field: fieldName(issue.path),
    rule: issue.code,
    message: issue.message,
  }));
  throwFieldErrors(fields);
}

/** The 422 of params that broke these rules: the same answer whether a schema or a handler found them. */
export function throwFieldErrors(fields: readonly FieldError[]): never {
  const summary = fields.map((field) => `${field.field}: ${field.message}`).join("; ");
  throw new Errors.ValidationError(summary, "VALIDATION_ERROR", fields);
}

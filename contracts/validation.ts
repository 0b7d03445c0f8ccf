import { Errors } from "moleculer";
import type { z } from "zod";

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/**
 * Parses action params with their schema, or throws a 422 naming each bad field and the rule it
 * broke. Actions call this themselves: the gateway and the REPL reach them the same way.
 */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const fields: FieldError[] = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : "(params)",
    rule: issue.code,
    message: issue.message,
  }));
  const summary = fields.map((field) => `${field.field}: ${field.message}`).join("; ");
  throw new Errors.ValidationError(summary, "VALIDATION_ERROR", fields);
}

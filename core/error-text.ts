/**
 * An error's message for a log line or an answer, whatever was thrown. Not `instanceof Error`:
 * errors from another realm, and objects that only carry a message, fail that test.
 */
export function errorText(error: unknown): string {
  return typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
    ? error.message
    : String(error);
}

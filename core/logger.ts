/**
 * What the project's modules need of a logger: Moleculer's service logger fits it, and a unit test
 * passes a small fake.
 */
export interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

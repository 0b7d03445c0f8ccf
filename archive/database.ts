import path from "node:path";
import { runner } from "node-pg-migrate";
import { Pool, type PoolClient } from "pg";
import { redactUrl } from "../config/environment";
import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";
import { delayFor, RETRY_POLICIES } from "../core/retry";
import { sleepUnlessAborted } from "../core/sleep";

/** The archive's migrations: SQL files, run in order of their timestamp names by node-pg-migrate. */
export const MIGRATIONS_DIR = path.join(__dirname, "migrations");
/** The table where node-pg-migrate records which migrations ran. */
const MIGRATIONS_TABLE = "archive_migrations";

/** Connections one worker holds: a batch is one transaction, and reads are few. */
const POOL_SIZE = 4;
/** A connection PostgreSQL does not accept by then is an outage, not a wait. */
const CONNECT_TIMEOUT_MS = 5000;
/** A read or a batch's statement running longer is cut: PostgreSQL is in trouble, and the caller is told. */
const STATEMENT_TIMEOUT_MS = 15_000;

/** SQLSTATEs of a server away, starting, shutting down, full or read-only for now (a failover). */
const OUTAGE_STATES = /^(08|57P0[123]|53300|25006)/;
const CONNECTION_TROUBLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)/;

/**
 * Whether an error is PostgreSQL being away or refusing work for now, an outage to wait out (an
 * archive batch is kept unacked and retried; a read answers 503), rather than a bad statement or bad
 * data.
 */
export function isDatabaseOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = "code" in error && typeof error.code === "string" ? error.code : "";
  if (OUTAGE_STATES.test(code) || CONNECTION_TROUBLE.test(code)) return true;
  const causes = error instanceof AggregateError ? error.errors : [];
  return CONNECTION_TROUBLE.test(error.message) || causes.some(isDatabaseOutage);
}

/**
 * The archive's PostgreSQL (DATABASE_URL), pooled. An idle client's error (the server restarted) is
 * logged in one line naming the database without its credentials, never thrown: the pool opens a new
 * connection for the next query.
 */
export function openDatabase(url: string, logger: Pick<Logger, "warn">): Pool {
  const pool = new Pool({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
  });
  pool.on("error", (error) =>
    logger.warn(`PostgreSQL ${redactUrl(url)} (DATABASE_URL) connection lost: ${error.message}; reconnecting`),
  );
  return pool;
}

/**
 * Brings the schema up to date. node-pg-migrate takes an advisory try-lock first, so that workers starting
 * together run each migration once; one that finds the lock taken fails (migrateOnceReachable waits).
 */
export async function migrate(url: string, logger: Pick<Logger, "info">): Promise<void> {
  const ran = await runner({
    databaseUrl: url,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: "up",
    checkOrder: true,
    log: () => undefined,
  });
  if (ran.length > 0) logger.info(`Archive schema migrated: ${ran.map((migration) => migration.name).join(", ")}`);
}

/** How soon a worker looks again whether the migration another worker runs has finished. */
const MIGRATION_LOCK_RETRY_MS = 250;

function isMigrationOfAnotherWorker(error: unknown): boolean {
  return error instanceof Error && /Another migration is already running/.test(error.message);
}

/**
 * Migrates as soon as PostgreSQL answers, waiting for it meanwhile with a line now and then that names
 * DATABASE_URL (redacted). False when `stopping` aborted first.
 */
export async function migrateOnceReachable(
  url: string,
  logger: Pick<Logger, "info" | "warn">,
  stopping: AbortSignal,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await migrate(url, logger);
      return true;
    } catch (error) {
      // node-pg-migrate's lock is a try-lock: a worker starting beside another waits for it to finish,
      // then finds the migrations done.
      if (isMigrationOfAnotherWorker(error)) {
        if (!(await sleepUnlessAborted(MIGRATION_LOCK_RETRY_MS, stopping))) return false;
        continue;
      }
      if (!isDatabaseOutage(error)) throw error;
      if (attempt % 10 === 0)
        logger.warn(
          `PostgreSQL at ${redactUrl(url)} (DATABASE_URL) does not answer: ${errorText(error)}; the archive waits for it`,
        );
      if (!(await sleepUnlessAborted(delayFor(RETRY_POLICIES.databaseConnect, attempt), stopping))) return false;
    }
  }
}

/** Runs `work` in one transaction on a client of the pool: committed if it resolves, rolled back if not. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The pool hears a lost connection's error only on idle clients: unheard on this one, it would end
  // the process. The statement in hand fails with it all the same, and the client is discarded.
  let lost: Error | undefined;
  const onLost = (error: Error) => (lost = error);
  client.on("error", onLost);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.removeListener("error", onLost);
    client.release(lost);
  }
}

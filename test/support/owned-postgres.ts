import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { portFree } from "./cluster-scripts";
import { eventually } from "./eventually";
import { randomPort } from "./ports";

const run = promisify(execFile);

/** Where Debian installs PostgreSQL's server binaries, one folder per major version. */
const POSTGRES_VERSIONS_DIR = "/usr/lib/postgresql";
/** The OS user the server runs as: PostgreSQL refuses to run as root. */
const POSTGRES_USER = "postgres";

/** The newest installed version's bin folder; `POSTGRES_BIN` overrides. Null when none is installed. */
function postgresBinDir(): string | null {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  if (!existsSync(POSTGRES_VERSIONS_DIR)) return null;
  const versions = readdirSync(POSTGRES_VERSIONS_DIR)
    .filter((name) => existsSync(path.join(POSTGRES_VERSIONS_DIR, name, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : path.join(POSTGRES_VERSIONS_DIR, versions[0], "bin");
}

/** Whether a PostgreSQL server can be started here, for the tests that start their own. */
export function postgresInstalled(): boolean {
  return postgresBinDir() !== null;
}

const runningAsRoot = (): boolean => process.getuid?.() === 0;

/** A port nothing listens on now, in the band of owned servers. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = randomPort("postgres");
    if (await portFree(port)) return port;
  }
}

/**
 * A PostgreSQL of a test's own, on a port of its own and a data folder in the temporary folder
 * (trust auth, 127.0.0.1 only): a test can stop and restart it without touching the shared server
 * other work runs against. Run as the `postgres` OS user when the tests run as root.
 */
export class OwnedPostgres {
  private readonly dir = mkdtempSync(path.join(tmpdir(), "tweetmesh-postgres-"));
  private readonly dataDir = path.join(this.dir, "data");
  private readonly bin: string;

  private constructor(readonly port: number) {
    const bin = postgresBinDir();
    if (bin === null) throw new Error(`no PostgreSQL server in ${POSTGRES_VERSIONS_DIR} (set POSTGRES_BIN)`);
    this.bin = bin;
  }

  /** Initialises a data folder and starts the server on it. */
  static async create(): Promise<OwnedPostgres> {
    const postgres = new OwnedPostgres(await freePort());
    try {
      if (runningAsRoot()) {
        const uid = Number(execFileSync("id", ["-u", POSTGRES_USER]).toString());
        const gid = Number(execFileSync("id", ["-g", POSTGRES_USER]).toString());
        chownSync(postgres.dir, uid, gid);
      }
      await postgres.command("initdb", ["-D", postgres.dataDir, "-U", "postgres", "-A", "trust", "--no-sync"]);
      await postgres.start();
    } catch (error) {
      await postgres.remove();
      throw error;
    }
    return postgres;
  }

  /** The `postgres` database of this server. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts the server on its data folder and waits until it accepts queries. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${this.dir}`,
      // A test's data need not outlive the machine: a crash of the server itself loses nothing without fsync.
      "-c fsync=off",
    ].join(" ");
    await this.command("pg_ctl", [
      "-D",
      this.dataDir,
      "-l",
      path.join(this.dir, "server.log"),
      "-o",
      options,
      "-w",
      "start",
    ]);
    await eventually(
      () => this.answers(),
      (up) => up,
      30_000,
      "the test's own PostgreSQL to answer",
    );
  }

  /**
   * Stops the server: `fast` ends every session and checkpoints, `immediate` kills it as a crash
   * would (it recovers from its WAL at the next start).
   */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await this.command("pg_ctl", ["-D", this.dataDir, "-m", mode, "-w", "stop"]);
  }

  async restart(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** Stops the server if it runs, and removes its data folder. */
  async remove(): Promise<void> {
    if (existsSync(path.join(this.dataDir, "postmaster.pid"))) await this.stop("immediate").catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async answers(): Promise<boolean> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async command(name: string, args: string[]): Promise<void> {
    const program = path.join(this.bin, name);
    if (runningAsRoot()) await run("runuser", ["-u", POSTGRES_USER, "--", program, ...args], { cwd: this.dir });
    else await run(program, args, { cwd: this.dir });
  }
}

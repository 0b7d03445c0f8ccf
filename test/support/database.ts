import { randomBytes } from "node:crypto";
import { Client } from "pg";

/** The local PostgreSQL (trust auth, user postgres); `DATABASE_ADMIN_URL` points elsewhere. */
export const DATABASE_ADMIN_URL = process.env.DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database of a test file's own, created empty and dropped at the end, and its URL. */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(): Promise<TestDatabase> {
    const name = `tweetmesh_test_${randomBytes(4).toString("hex")}`;
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    const url = new URL(DATABASE_ADMIN_URL);
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString());
  }

  async drop(): Promise<void> {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`));
  }
}

async function admin(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: DATABASE_ADMIN_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

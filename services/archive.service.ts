import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Pool } from "pg";
import type { Environment } from "../config/environment";
import type { ExportPage, SearchPage } from "../contracts/archive";
import { MatchBatch } from "../contracts/messages";
import { ArchiveReader } from "../archive/archive-reader";
import { ArchiveStore } from "../archive/archive-store";
import { isDatabaseOutage, migrateOnceReachable, openDatabase } from "../archive/database";
import { exportRunPage, searchArchive } from "../archive/requests";
import { DeleteSweep } from "../archive/delete-sweep";
import { GroupCommit } from "../archive/group-commit";
import { Retention } from "../archive/retention";
import { READ_ACTION } from "../mesh/broker-options";
import { WorkerClients } from "../workers/worker-clients";

interface ArchiveSettings extends ServiceSettingSchema {
  prefetch: number;
}

/**
 * Every matched tweet in PostgreSQL (DATABASE_URL), as BirdWatch kept its tweets: written in batches,
 * once per run and tweet, acked after the commit; searched and exported from there, and kept for
 * ARCHIVE_RETENTION_DAYS. Without DATABASE_URL the archive is off: its actions answer 503
 * ARCHIVE_DISABLED and no queue is declared for it.
 */
export function archiveService(env: Environment): ServiceSchema<ArchiveSettings> {
  let worker: WorkerClients | null = null;
  let pool: Pool | null = null;
  let reader: ArchiveReader | null = null;
  let retention: Retention | null = null;
  let sweep: DeleteSweep | null = null;
  const stopping = new AbortController();

  return {
    name: "archive",

    settings: {
      /** Match batches this worker holds unacked: those in hand while a write runs are written together next. */
      prefetch: 16,
    },

    actions: {
      /** A page of the archived tweets a search finds, newest first, keyset-paged. */
      search: {
        ...READ_ACTION,
        handler: (ctx): Promise<SearchPage> => searchArchive(reader, ctx.params),
      },
      /** A page of a run's archived tweets (tombstones included) in tweet id order, after `after`. */
      export: {
        ...READ_ACTION,
        handler: (ctx): Promise<ExportPage> => exportRunPage(reader, ctx.params),
      },
    },

    async started() {
      const url = env.DATABASE_URL;
      if (url === undefined) {
        this.logger.info("Archive off: DATABASE_URL is not set (search and exports answer 503 ARCHIVE_DISABLED)");
        return;
      }
      // The schema first: a worker writes nothing before its tables exist.
      if (!(await migrateOnceReachable(url, this.logger, stopping.signal))) return;
      pool = openDatabase(url, this.logger);
      const store = new ArchiveStore(pool);
      reader = new ArchiveReader(pool);
      const groups = new GroupCommit(store, { maxBatches: this.settings.prefetch, concurrency: 2 });
      worker = WorkerClients.open(env, this.logger, this.broker.metrics);
      worker.consume("archive", MatchBatch, this.settings.prefetch, (batch) => groups.write(batch), {
        isOutage: isDatabaseOutage,
        // Written once the transaction committed: PostgreSQL's own durability.
        settled: () => Promise.resolve(),
      });
      retention = new Retention({ archive: store, logger: this.logger, now: Date.now }, env.ARCHIVE_RETENTION_DAYS);
      sweep = new DeleteSweep({ archive: store, logger: this.logger });
      await worker.start();
      retention.start();
      sweep.start();
    },

    async stopped() {
      stopping.abort();
      retention?.stop();
      sweep?.stop();
      await worker?.stop();
      await pool?.end();
    },
  };
}

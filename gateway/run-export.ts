import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { Errors } from "moleculer";
import type { ExportPage, ExportParams } from "../contracts/archive";
import { errorText } from "../core/error-text";
import type { Logger } from "../core/logger";

/** Rows one `archive.export` call brings: a few MB of JSON at most, held by the gateway at once. */
const EXPORT_PAGE_ROWS = 500;

/**
 * `GET /runs/:run_id/tweets.ndjson`: a run's archived tweets, one JSON line each in tweet id order,
 * downloaded as a file. The gateway asks the archive for a page at a time (keyset pages by tweet
 * id, decision 0030) and asks for the next only once the client took the last, so memory stays at a
 * page however large the run and however slow the client. An error before the first line answers
 * in JSON as any request does; one after cuts the download, which the client sees as incomplete.
 */
export async function sendRunExport(
  res: ServerResponse,
  runId: string,
  exportPage: (params: ExportParams) => Promise<ExportPage>,
  logger: Pick<Logger, "warn">,
): Promise<void> {
  let page = await exportPage({ run_id: runId, limit: EXPORT_PAGE_ROWS });
  if (page.tweets.length === 0)
    throw new Errors.MoleculerClientError(
      `the archive holds no tweet of run ${runId}: an unknown run, one that matched nothing, or one past ARCHIVE_RETENTION_DAYS`,
      404,
      "RUN_NOT_ARCHIVED",
      { run_id: runId },
    );
  res.writeHead(200, {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Content-Disposition": `attachment; filename="tweets-${runId}.ndjson"`,
  });
  let lines = 0;
  try {
    for (;;) {
      const chunk = page.tweets.map((tweet) => `${JSON.stringify(tweet)}\n`).join("");
      lines += page.tweets.length;
      if (!res.write(chunk)) await Promise.race([once(res, "drain"), once(res, "close")]);
      if (page.next_after === null || res.destroyed) break;
      page = await exportPage({ run_id: runId, after: page.next_after, limit: EXPORT_PAGE_ROWS });
    }
    res.end();
  } catch (error) {
    logger.warn(`Export of run ${runId} cut after ${lines} tweets: ${errorText(error)}`);
    res.destroy();
  }
}

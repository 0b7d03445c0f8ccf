import { Errors } from "moleculer";
import { type ExportPage, ExportParams, type SearchPage, SearchParams } from "../contracts/archive";
import { parseParams } from "../contracts/validation";
import { readSearch } from "../matching/search/query";
import type { ArchiveReader } from "./archive-reader";
import { isDatabaseOutage } from "./database";

/** The archive's reads, answering 503 rather than 500 when there is no archive or PostgreSQL is away. */

export function archiveDisabled(): Errors.MoleculerError {
  return new Errors.MoleculerError(
    "the archive is off: set DATABASE_URL to a PostgreSQL URL on the archive's workers",
    503,
    "ARCHIVE_DISABLED",
  );
}

function archiveUnavailable(): Errors.MoleculerRetryableError {
  return new Errors.MoleculerRetryableError(
    "the archive's PostgreSQL (DATABASE_URL) does not answer; retry when it is back",
    503,
    "ARCHIVE_UNAVAILABLE",
  );
}

async function read<T>(reader: ArchiveReader | null, work: (reader: ArchiveReader) => Promise<T>): Promise<T> {
  if (!reader) throw archiveDisabled();
  try {
    return await work(reader);
  } catch (error) {
    if (isDatabaseOutage(error)) throw archiveUnavailable();
    throw error;
  }
}

/** `archive.search`: a page of the archived tweets a search finds, newest first. */
export async function searchArchive(reader: ArchiveReader | null, rawParams: unknown): Promise<SearchPage> {
  const params = parseParams(SearchParams, rawParams);
  const query = params.q === undefined ? null : readSearch("q", params.q);
  return read(reader, (archive) => archive.search(params, query));
}

/** `archive.export`: a page of a run's archived tweets in id order. */
export async function exportRunPage(reader: ArchiveReader | null, rawParams: unknown): Promise<ExportPage> {
  const params = parseParams(ExportParams, rawParams);
  return read(reader, (archive) => archive.exportPage(params));
}

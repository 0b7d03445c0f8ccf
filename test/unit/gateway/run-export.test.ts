import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import type { ArchivedTweet, ExportPage, ExportParams } from "../../../contracts/archive";
import { sendRunExport } from "../../../gateway/run-export";

/** A response that takes `room` writes before it asks the writer to wait for `drain`. */
class FakeDownload extends EventEmitter {
  chunks: string[] = [];
  headers: Record<string, string> = {};
  status = 0;
  ended = false;
  destroyed = false;
  room = Infinity;
  writeHead(status: number, headers: Record<string, string>) {
    this.status = status;
    this.headers = headers;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return this.chunks.length < this.room;
  }
  end() {
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
    this.emit("close");
  }
  get lines(): string[] {
    return this.chunks.join("").split("\n").filter(Boolean);
  }
}

const archived = (id: number): ArchivedTweet => ({
  run_id: "run-1",
  id: String(id),
  created_at: "2026-12-03T10:00:00.000Z",
  phrases: ["final"],
  rules: [],
  author: { id: "7", username: "ana" },
  lang: "en",
  text: `tweet ${id}`,
  hashtags: [],
  mentions: [],
  domains: [],
  deleted_at: null,
  tweet: null,
});

/** A run of `size` archived tweets, paged as archive.export pages them; records each call. */
function archiveOf(size: number) {
  const calls: ExportParams[] = [];
  const exportPage = async (params: ExportParams): Promise<ExportPage> => {
    calls.push(params);
    const after = Number(params.after ?? 0);
    const tweets = Array.from({ length: Math.max(0, Math.min(params.limit, size - after)) }, (_, i) =>
      archived(after + i + 1),
    );
    return {
      run_id: params.run_id,
      tweets,
      next_after: tweets.length === params.limit ? String(after + params.limit) : null,
    };
  };
  return { calls, exportPage };
}

const quiet = { warn: () => undefined };

describe("a run's NDJSON export", () => {
  it("streams every archived tweet as one JSON line, in id order, as a download", async () => {
    const res = new FakeDownload();
    const archive = archiveOf(1234);
    await sendRunExport(res as unknown as ServerResponse, "run-1", archive.exportPage, quiet);
    expect(res.status).toBe(200);
    expect(res.headers["Content-Type"]).toBe("application/x-ndjson; charset=utf-8");
    expect(res.headers["Content-Disposition"]).toBe('attachment; filename="tweets-run-1.ndjson"');
    expect(res.lines.map((line) => (JSON.parse(line) as ArchivedTweet).id)).toEqual(
      Array.from({ length: 1234 }, (_, i) => String(i + 1)),
    );
    expect(res.ended).toBe(true);
  });

  it("asks for the next page only once the client took the last one", async () => {
    const res = new FakeDownload();
    res.room = 1;
    const archive = archiveOf(2000);
    const done = sendRunExport(res as unknown as ServerResponse, "run-1", archive.exportPage, quiet);
    await new Promise((resolve) => setImmediate(resolve));
    expect(archive.calls).toHaveLength(1);
    res.room = Infinity;
    res.emit("drain");
    await done;
    expect(res.lines).toHaveLength(2000);
  });

  it("answers 404 naming the run when the archive holds none of its tweets", async () => {
    const res = new FakeDownload();
    await expect(
      sendRunExport(res as unknown as ServerResponse, "run-9", archiveOf(0).exportPage, quiet),
    ).rejects.toMatchObject({ code: 404, type: "RUN_NOT_ARCHIVED" });
    expect(res.status).toBe(0);
  });

  it("cuts the download when a later page fails, so that the client sees it incomplete", async () => {
    const res = new FakeDownload();
    const archive = archiveOf(1000);
    const warnings: string[] = [];
    const failing = async (params: ExportParams) => {
      if (params.after !== undefined) throw new Error("PostgreSQL went away");
      return archive.exportPage(params);
    };
    await sendRunExport(res as unknown as ServerResponse, "run-1", failing, {
      warn: (line: string) => warnings.push(line),
    });
    expect(res.destroyed).toBe(true);
    expect(res.ended).toBe(false);
    expect(warnings).toEqual([
      expect.stringMatching(/Export of run run-1 cut after 500 tweets: .*PostgreSQL went away/),
    ]);
  });
});

import type { ServerResponse } from "node:http";
import type { SeriesPage } from "../contracts/series";
import type { TopValues } from "../contracts/top-values";

/** A CSV field as RFC 4180 quotes it: in double quotes, doubled inside, when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRows(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** A series as CSV: `at,amount`, then one column per phrase of the answer, a row per bucket. */
export function seriesCsv(page: SeriesPage): string {
  const phrases = Object.keys(page.points[0]?.per_phrase ?? {});
  return csvRows([
    ["at", "amount", ...phrases],
    ...page.points.map((point) => [point.at, point.amount, ...phrases.map((phrase) => point.per_phrase[phrase] ?? 0)]),
  ]);
}

/** Top values as CSV: `value,count`, highest first. */
export function topValuesCsv(top: TopValues): string {
  return csvRows([["value", "count"], ...top.items.map((item) => [item.value, item.count])]);
}

/** Answers a CSV file to be saved (`Content-Disposition: attachment`) under `fileName`. */
export function sendCsv(res: ServerResponse, fileName: string, csv: string): void {
  res.writeHead(200, {
    "Content-Type": "text/csv; charset=utf-8; header=present",
    "Content-Disposition": `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    "Content-Length": String(Buffer.byteLength(csv)),
  });
  res.end(csv);
}

import { z } from "zod";

/**
 * Prometheus text exposition (format 0.0.4) of metric snapshots as Moleculer's registries give
 * them (`$node.metrics`), one series per node, labelled `node`. Pure: the gateway gathers, this renders.
 */

const MetricValue = z.looseObject({
  labels: z.record(z.string(), z.unknown()).default({}),
  value: z.unknown().optional(),
  count: z.number().optional(),
  sum: z.number().optional(),
  /** Cumulative counts by upper bound, as Moleculer's histograms keep them. */
  buckets: z.record(z.string(), z.number()).optional(),
  quantiles: z.record(z.string(), z.number()).optional(),
});

export const MetricSnapshot = z.looseObject({
  name: z.string(),
  type: z.string(),
  description: z.string().optional(),
  values: z.array(MetricValue).default([]),
});
export type MetricSnapshot = z.infer<typeof MetricSnapshot>;

export interface NodeMetrics {
  node: string;
  metrics: MetricSnapshot[];
}

interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary";
  help: string;
  lines: string[];
}

export function renderPrometheus(nodes: readonly NodeMetrics[]): string {
  const families = new Map<string, Family>();
  for (const { node, metrics } of nodes) {
    for (const metric of metrics) {
      const type = familyType(metric);
      if (!type) continue;
      const name = metricName(metric.name, type);
      const family = families.get(name) ?? { name, type, help: metric.description ?? metric.name, lines: [] };
      if (family.type !== type) continue;
      families.set(name, family);
      for (const value of metric.values)
        family.lines.push(...sampleLines(name, type, { ...value.labels, node }, value));
    }
  }
  return [...families.values()]
    .map((family) =>
      [
        `# HELP ${family.name} ${escapeHelp(family.help)}`,
        `# TYPE ${family.name} ${family.type}`,
        ...family.lines,
      ].join("\n"),
    )
    .join("\n")
    .concat("\n");
}

function familyType(metric: MetricSnapshot): Family["type"] | null {
  if (metric.type === "counter" || metric.type === "gauge") return metric.type;
  if (metric.type !== "histogram") return null;
  return metric.values.some((value) => value.buckets && Object.keys(value.buckets).length > 0)
    ? "histogram"
    : "summary";
}

/** `tweetmesh.pipeline.messages` → `tweetmesh_pipeline_messages_total` (counters end in `_total`). */
export function metricName(name: string, type: Family["type"]): string {
  const base = name.replace(/[^A-Za-z0-9_:]/g, "_").replace(/^([^A-Za-z_:])/, "_$1");
  return type === "counter" && !base.endsWith("_total") ? `${base}_total` : base;
}

function sampleLines(
  name: string,
  type: Family["type"],
  labels: Record<string, unknown>,
  value: z.infer<typeof MetricValue>,
): string[] {
  if (type === "counter" || type === "gauge") {
    const number = Number(value.value);
    return Number.isFinite(number) ? [`${name}${labelSet(labels)} ${number}`] : [];
  }
  const totals = [
    `${name}_sum${labelSet(labels)} ${value.sum ?? 0}`,
    `${name}_count${labelSet(labels)} ${value.count ?? 0}`,
  ];
  if (type === "summary") {
    const quantiles = Object.entries(value.quantiles ?? {}).map(
      ([quantile, observed]) =>
        `${name}${labelSet({ ...labels, quantile })} ${Number.isFinite(observed) ? observed : "NaN"}`,
    );
    return [...quantiles, ...totals];
  }
  const bounds = Object.entries(value.buckets ?? {}).sort(([a], [b]) => Number(a) - Number(b));
  const buckets = bounds.map(([bound, count]) => `${name}_bucket${labelSet({ ...labels, le: bound })} ${count}`);
  return [...buckets, `${name}_bucket${labelSet({ ...labels, le: "+Inf" })} ${value.count ?? 0}`, ...totals];
}

function labelSet(labels: Record<string, unknown>): string {
  const pairs = Object.entries(labels).map(
    ([label, value]) => `${label.replace(/[^A-Za-z0-9_]/g, "_")}="${escapeLabel(labelText(value))}"`,
  );
  return pairs.length > 0 ? `{${pairs.join(",")}}` : "";
}

/** A label's value as text. Labels arrive as JSON: a string, number or boolean as such, anything else as JSON, never `[object Object]`. */
function labelText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return value === null || value === undefined ? "" : JSON.stringify(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

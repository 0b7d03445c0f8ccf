import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ServerResponse } from "node:http";
import { Errors } from "moleculer";

/**
 * The dashboard's and the docs page's static files: plain HTML, CSS and JavaScript without a build
 * step, beside this module (`npm run build` copies them into dist/gateway/dashboard). Only names
 * listed here are served, so a path can never reach another file.
 */
const DASHBOARD_DIR = path.join(__dirname, "dashboard");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

const DASHBOARD_FILES = ["index.html", "docs.html", "dashboard.js", "chart.js", "dashboard.css", "docs.js"] as const;
type DashboardFile = (typeof DASHBOARD_FILES)[number];

function isDashboardFile(name: string): name is DashboardFile {
  return (DASHBOARD_FILES as readonly string[]).includes(name);
}

export class DashboardFiles {
  private readonly cache = new Map<DashboardFile, Buffer>();

  constructor(private readonly dir = DASHBOARD_DIR) {}

  async send(res: ServerResponse, name: string): Promise<void> {
    if (!isDashboardFile(name))
      throw new Errors.MoleculerClientError("no such file", 404, "NOT_FOUND", { field: "file" });
    const content = await this.read(name);
    res.writeHead(200, {
      "Content-Type": CONTENT_TYPES[path.extname(name)] ?? "application/octet-stream",
      "Content-Length": String(content.length),
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
      // The pages load only their own scripts and styles and talk only to this gateway.
      "Content-Security-Policy":
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
    });
    res.end(content);
  }

  private async read(name: DashboardFile): Promise<Buffer> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const content = await readFile(path.join(this.dir, name)).catch(() => {
      throw new Errors.MoleculerError(`the dashboard file ${name} is missing from this build`, 404, "NOT_FOUND", {
        file: name,
      });
    });
    this.cache.set(name, content);
    return content;
  }
}

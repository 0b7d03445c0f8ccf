import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import type { RunStatistics } from "../../contracts/actions";
import type { SeriesPage } from "../../contracts/series";
import type { TopValues } from "../../contracts/top-values";
import { eventually, request, TestMesh } from "../support/mesh";
import { projectRoot } from "../support/project";

/** Debian's package (`apt-get install -y chromium`; .ci/run installs it). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const TOKEN = "browser-token-0123456789";
/** Where the screenshots go (git-ignored), for a person to look at the page as the test saw it. */
const SCREENSHOTS = path.join(projectRoot(), "test-results");
const TOP_FIELDS = ["hashtags", "mentions", "authors", "languages", "domains"] as const;
/** The matches that end the second run by itself, so that its series stops growing. */
const MAX_TWEETS = 600;
const WAIT_MS = 60_000;

const withChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  process.stdout.write(
    `dashboard test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`,
  );
}

/** An element of the page, as the test reads it there (the test's types have no DOM). */
interface Attributed {
  getAttribute(name: string): string | null;
}

const CHART_DATA = ["run-id", "clock", "range", "resolution", "from", "to"] as const;
type ChartData = Record<(typeof CHART_DATA)[number], string>;

interface Plotted {
  at: string;
  amount: number;
  partial: boolean;
}

/**
 * The dashboard in a real browser, as a person uses it: launch from the form, watch, stop; then
 * the chart and the top panels, checked against the endpoints they are drawn from.
 */
withChromium("the dashboard in headless Chromium", () => {
  jest.setTimeout(120_000);
  let mesh: TestMesh;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  /** The run stopped from the page, and the one that ended at MAX_TWEETS. */
  let stoppedRun = "";
  let endedRun = "";

  const text = async (selector: string) => (await page.locator(selector).textContent()) ?? "";
  const number = async (selector: string) => Number((await text(selector)).replace(/[^\d.]/g, "") || "NaN");
  /** Polls the page until `selector`'s text passes `check`. */
  const until = (selector: string, check: (value: string) => boolean, what: string) =>
    eventually(() => text(selector), check, WAIT_MS, what);
  const untilNumber = (selector: string, check: (value: number) => boolean, what: string) =>
    eventually(() => number(selector), check, WAIT_MS, what);

  /** The attributes `names` of every element `selector` finds, read in the page at once. */
  const attributes = (selector: string, names: string[]): Promise<Record<string, string | null>[]> =>
    page
      .locator(selector)
      .evaluateAll(
        (elements: Attributed[], wanted: string[]) =>
          elements.map((element) => Object.fromEntries(wanted.map((name) => [name, element.getAttribute(name)]))),
        names,
      );
  /** The main line's points as the chart holds them in the DOM. */
  const plotted = async (): Promise<Plotted[]> =>
    (await attributes("#chart circle.point", ["data-at", "data-amount", "data-partial"])).map((dot) => ({
      at: dot["data-at"] ?? "",
      amount: Number(dot["data-amount"]),
      partial: dot["data-partial"] === "true",
    }));
  /** What the chart says it shows: its run, clock, range, resolution, and the from and to it read. */
  const chartData = async (): Promise<ChartData> => {
    const [svg = {}] = await attributes(
      "#chart",
      CHART_DATA.map((name) => `data-${name}`),
    );
    return Object.fromEntries(CHART_DATA.map((name) => [name, svg[`data-${name}`] ?? ""])) as ChartData;
  };

  /** The series the chart says it shows (its run, clock, resolution and range), read from the gateway. */
  async function seriesOfChart(): Promise<SeriesPage> {
    const shown = await chartData();
    const params = new URLSearchParams({ run_id: shown["run-id"], clock: shown.clock, resolution: shown.resolution });
    if (shown.from) params.set("from", shown.from);
    if (shown.to) params.set("to", shown.to);
    const answer = await request<SeriesPage>(`${mesh.url}/statistics/series?${params.toString()}`);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  /** Waits until the chart shows `runId`, every point of its series, and none partial (the run ended). */
  async function chartEqualsSeries(runId: string): Promise<SeriesPage> {
    const asPlotted = (series: SeriesPage): Plotted[] =>
      series.points.map((point) => ({ at: point.at, amount: point.amount, partial: false }));
    const seen = await eventually(
      async () => {
        const shown = await chartData();
        if (shown["run-id"] !== runId) return { shown: shown["run-id"], points: [] as Plotted[], series: null };
        return { shown: shown["run-id"], points: await plotted(), series: await seriesOfChart() };
      },
      ({ points, series }) =>
        series !== null && series.points.length > 0 && JSON.stringify(points) === JSON.stringify(asPlotted(series)),
      WAIT_MS,
      `the chart of run ${runId} to plot every point of its series`,
      250,
    );
    if (!seen.series) throw new Error(`no series of run ${runId}`);
    return seen.series;
  }

  async function runFigures(): Promise<RunStatistics> {
    return (await request<RunStatistics>(`${mesh.url}/statistics`)).body;
  }

  beforeAll(async () => {
    mesh = await TestMesh.start(
      [{ services: ["api"] }, { services: ["launcher", "filter", "statistics", "timeline"] }],
      { API_TOKEN: TOKEN, GENERATOR_RATE: "300" },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Script errors and refused resources (the page's Content-Security-Policy) fail the test.
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await mesh?.stop();
  });

  it("shows the page, connected to the live stream", async () => {
    await page.goto(mesh.url);
    await page.locator('#connection[data-state="open"]').waitFor({ timeout: WAIT_MS });
    expect(await page.locator("#run-state").textContent()).toBe("no run");
  });

  it("refuses a launch without the token, saying why", async () => {
    await page.fill("#track", "love, music");
    await page.click("#launch-button");
    await page.locator("#message.error").waitFor({ timeout: WAIT_MS });
    expect(await page.locator("#message").textContent()).toMatch(/requires the API token/);
  });

  it("launches from the form; the counter, the chart, the phrases and the tweets move", async () => {
    await page.fill("#token", TOKEN);
    await page.click("#launch-button");
    await until("#message", (message) => message.startsWith("Launched run"), "the launch to be confirmed");
    await until("#run-state", (state) => state === "running", "the run to show as running");
    stoppedRun = (await text("#run-id")).trim();

    const first = await untilNumber("#amount", (amount) => amount > 0, "the counter to show matches");
    await untilNumber("#amount", (amount) => amount > first, "the counter to climb");

    // The live chart grows from the series; its newest bucket, still filling, is marked partial.
    const points = await eventually(
      plotted,
      (dots) => dots.length >= 3 && dots.some((dot) => dot.amount > 0),
      WAIT_MS,
      "the chart to plot a few seconds of matches",
    );
    expect(points.filter((dot) => dot.partial)).toEqual([points[points.length - 1]]);
    expect(await page.locator("#chart").getAttribute("data-run-id")).toBe(stoppedRun);
    expect(await page.locator('#legend [data-phrase="music"]').getAttribute("aria-pressed")).toBe("true");

    await page.locator("#phrases li").first().waitFor({ timeout: WAIT_MS });
    expect(await page.locator("#phrases .name").allTextContents()).toEqual(expect.arrayContaining(["love"]));
    await page.locator("#tweets li").first().waitFor({ timeout: WAIT_MS });
    expect(await page.locator("#run-track").textContent()).toBe("love, music");
  });

  it("stops the run from the page; the figures freeze as stopped", async () => {
    await page.click("#stop-button");
    await until("#message", (message) => message.startsWith("Stopped run"), "the stop to be confirmed");
    await until("#run-state", (state) => state === "stopped", "the run to show as stopped");
    expect(await number("#amount")).toBeGreaterThan(0);
  });

  it("charts a run that ended by itself exactly as /statistics/series counts it", async () => {
    await page.fill("#track", "love, music, the");
    await page.fill("#max-tweets", String(MAX_TWEETS));
    await page.click("#launch-button");
    await until("#run-state", (state) => state === "max_tweets", "the run to end at max_tweets");
    endedRun = (await text("#run-id")).trim();
    expect(endedRun).not.toBe(stoppedRun);
    // Every pulled tweet counted: the series stops changing.
    await eventually(
      runFigures,
      (figures) => figures.run_id === endedRun && !figures.streaming && figures.examined === figures.published,
      WAIT_MS,
      "the ended run's last tweets to be counted",
    );

    const series = await chartEqualsSeries(endedRun);
    expect(series.total).toBe(MAX_TWEETS);
    expect((await chartData()).range).toBe("run");
    expect(await number("#chart-total")).toBe(MAX_TWEETS);
  });

  it("shows a bucket's exact count, and its time, on hover", async () => {
    const dots = await plotted();
    const middle = dots[Math.floor(dots.length / 2)] as Plotted;
    const box = await page.locator(`#chart circle.point[data-at="${middle.at}"]`).boundingBox();
    if (!box) throw new Error(`no dot for ${middle.at}`);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator("#chart-tooltip");
    await tooltip.waitFor({ state: "visible", timeout: WAIT_MS });
    const second = new Date(middle.at);
    const clock = [second.getHours(), second.getMinutes(), second.getSeconds()]
      .map((part) => String(part).padStart(2, "0"))
      .join(":");
    expect(await tooltip.locator("strong").textContent()).toContain(clock);
    const rows = await tooltip.locator("dt, dd").allTextContents();
    expect(rows.slice(rows.indexOf("all matches"), rows.indexOf("all matches") + 2)).toEqual([
      "all matches",
      middle.amount.toLocaleString("en"),
    ]);
    await page.mouse.move(0, 0);
  });

  it("keeps the same points, and the newest matches, after a reload", async () => {
    const before = await plotted();
    await page.reload();
    await page.locator('#connection[data-state="open"]').waitFor({ timeout: WAIT_MS });
    await chartEqualsSeries(endedRun);
    expect(await plotted()).toEqual(before);
    // The stream brings only new matches; the ones before the reload come from /timeline.
    await page.locator("#tweets li").first().waitFor({ timeout: WAIT_MS });
  });

  it("shows the ended run's top hashtags, mentions, authors, languages and domains as /statistics/top does", async () => {
    for (const field of TOP_FIELDS) {
      const answer = await request<TopValues>(`${mesh.url}/statistics/top?run_id=${endedRun}&field=${field}&limit=10`);
      expect(answer.body.items.length).toBeGreaterThan(0);
      const shown = await eventually(
        async () =>
          (await attributes(`#top-${field} li[data-value]`, ["data-value", "data-count"])).map((row) => ({
            value: row["data-value"],
            count: Number(row["data-count"]),
          })),
        (items) => JSON.stringify(items) === JSON.stringify(answer.body.items),
        WAIT_MS,
        `the ${field} panel to show /statistics/top's items`,
      );
      expect(shown).toEqual(answer.body.items);
    }
  });

  it("narrows to the last 5 minutes, at one point per second, as the series of that range", async () => {
    await page.click('#range button[data-range="5m"]');
    await eventually(chartData, (shown) => shown.range === "5m" && shown.from !== "", WAIT_MS, "the 5 min range");
    expect((await chartData()).resolution).toBe("1s");
    await chartEqualsSeries(endedRun);
    await page.click('#range button[data-range="run"]');
    await eventually(chartData, (shown) => shown.range === "run", WAIT_MS, "the whole run again");
  });

  it("charts a past run picked from the run list, and overlays another for comparison", async () => {
    await page.locator(`#runs li[data-run-id="${stoppedRun}"] button`).click();
    await chartEqualsSeries(stoppedRun);
    expect(await page.locator(`#runs li[data-run-id="${stoppedRun}"]`).getAttribute("class")).toContain("selected");
    await page.locator("#follow-live").waitFor({ timeout: WAIT_MS });

    // The other run, aligned by its start: each of its plotted points is a bucket of its own series.
    await page.selectOption("#compare", endedRun);
    const compared = await eventually(
      async () =>
        (await attributes("#chart circle.compare-point", ["data-at", "data-amount"])).map((dot) => ({
          at: dot["data-at"] ?? "",
          amount: Number(dot["data-amount"]),
        })),
      (dots) => dots.some((dot) => dot.amount > 0),
      WAIT_MS,
      "the compared run's points",
    );
    const { resolution } = await chartData();
    const theirs = await request<SeriesPage>(
      `${mesh.url}/statistics/series?run_id=${endedRun}&resolution=${resolution}`,
    );
    const amounts = new Map(theirs.body.points.map((point) => [point.at, point.amount]));
    for (const dot of compared) expect([dot.at, amounts.get(dot.at) ?? 0]).toEqual([dot.at, dot.amount]);

    await page.selectOption("#compare", "");
    await page.click("#follow-live");
    await chartEqualsSeries(endedRun);
  });

  it("uses the width at 1400 px and stays whole, without sideways scrolling, at 390 px", async () => {
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-1400.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await chartEqualsSeries(endedRun);
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-390.png"), fullPage: true });
    // A string, evaluated in the page: the test's own types have no DOM.
    const [scrollWidth = Infinity, innerWidth = 0] = await page.evaluate<number[]>(
      "[document.documentElement.scrollWidth, window.innerWidth]",
    );
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it("launches a run of X rules from the form and counts per rule as /statistics does", async () => {
    const rules = ["love lang:en", "#music OR #movies"];
    await page.fill("#track", "");
    await page.fill("#rules", rules.join("\n"));
    await page.fill("#max-tweets", "100");
    await page.click("#launch-button");
    await until("#message", (message) => message.startsWith("Launched run"), "the rules launch to be confirmed");
    const ended = await eventually(
      () => request<RunStatistics>(`${mesh.url}/statistics`).then((answer) => answer.body),
      (figures) => figures.rules.length === 2 && !figures.running && !figures.streaming,
      WAIT_MS,
      "the run of rules to end at max_tweets",
    );
    expect(ended.amount).toBe(100);
    const shown = async () =>
      (await page.locator("#rules-counts li").allTextContents()).map((row) => row.replace(/\s+/g, " ").trim());
    const expected = rules.map((rule) => `${rule}${ended.per_rule[rule] ?? 0}`);
    await eventually(shown, (rows) => rows.join("|") === expected.join("|"), WAIT_MS, "the per-rule counts");
  });

  it("renders the API docs from /openapi.json", async () => {
    await page.goto(`${mesh.url}/docs`);
    await page.locator("section h2 code", { hasText: "/launch" }).waitFor({ timeout: WAIT_MS });
    expect(await page.locator("section h2 code").allTextContents()).toEqual(
      expect.arrayContaining(["/stream", "/metrics", "/statistics"]),
    );
  });

  it("met no script error and no refused resource", () => {
    // The failed launch's 401 is logged by the browser as a failed resource; nothing else may be.
    expect(problems.filter((problem) => !/status of 401/.test(problem))).toEqual([]);
  });
});

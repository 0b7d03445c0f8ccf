import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { eventually, TestMesh } from "../support/mesh";

/** Debian's package (`apt-get install -y chromium`; .ci/run installs it). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const TOKEN = "browser-token-0123456789";

const withChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  process.stdout.write(
    `dashboard test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`,
  );
}

/** The dashboard in a real browser, as a person uses it: launch from the form, watch, stop. */
withChromium("the dashboard in headless Chromium", () => {
  let mesh: TestMesh;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  const text = async (selector: string) => (await page.locator(selector).textContent()) ?? "";
  const number = async (selector: string) => Number((await text(selector)).replace(/[^\d.]/g, "") || "NaN");
  /** Polls the page until `selector`'s text passes `check`. */
  const until = (selector: string, check: (value: string) => boolean, what: string) =>
    eventually(() => text(selector), check, 30000, what);
  const untilNumber = (selector: string, check: (value: number) => boolean, what: string) =>
    eventually(() => number(selector), check, 30000, what);

  beforeAll(async () => {
    mesh = await TestMesh.start(
      [{ services: ["api"] }, { services: ["launcher", "filter", "statistics", "timeline"] }],
      { API_TOKEN: TOKEN, GENERATOR_RATE: "300" },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage();
    // Script errors and refused resources (the page's Content-Security-Policy) fail the test.
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await mesh?.stop();
  });

  it("shows the page, connected to the live stream", async () => {
    await page.goto(mesh.url);
    await page.locator('#connection[data-state="open"]').waitFor({ timeout: 30000 });
    expect(await page.locator("#run-state").textContent()).toBe("no run");
  });

  it("refuses a launch without the token, saying why", async () => {
    await page.fill("#track", "love, music");
    await page.click("#launch-button");
    await page.locator("#message.error").waitFor({ timeout: 30000 });
    expect(await page.locator("#message").textContent()).toMatch(/requires the API token/);
  });

  it("launches from the form; the counter, the chart, the phrases and the tweets move", async () => {
    await page.fill("#token", TOKEN);
    await page.click("#launch-button");
    await until("#message", (message) => message.startsWith("Launched run"), "the launch to be confirmed");
    await until("#run-state", (state) => state === "running", "the run to show as running");

    const first = await untilNumber("#amount", (amount) => amount > 0, "the counter to show matches");
    await untilNumber("#amount", (amount) => amount > first, "the counter to climb");

    // The chart plots tweets per second: its peak rises above zero and its line leaves the baseline.
    await untilNumber("#chart-peak", (peak) => peak > 0, "the chart to plot a rate");
    const heights =
      (await page.locator("#chart-line").getAttribute("points"))
        ?.split(" ")
        .map((point) => Number(point.split(",")[1])) ?? [];
    expect(heights.length).toBeGreaterThan(100);
    expect(Math.min(...heights)).toBeLessThan(158);

    await page.locator("#phrases li").first().waitFor({ timeout: 30000 });
    expect(await page.locator("#phrases .phrase").allTextContents()).toEqual(expect.arrayContaining(["love"]));
    await page.locator("#tweets li").first().waitFor({ timeout: 30000 });
    expect(await page.locator("#run-track").textContent()).toBe("love, music");
  });

  it("stops the run from the page; the figures freeze as stopped", async () => {
    await page.click("#stop-button");
    await until("#message", (message) => message.startsWith("Stopped run"), "the stop to be confirmed");
    await until("#run-state", (state) => state === "stopped", "the run to show as stopped");
    expect(await number("#amount")).toBeGreaterThan(0);
  });

  it("renders the API docs from /openapi.json", async () => {
    await page.goto(`${mesh.url}/docs`);
    await page.locator("section h2 code", { hasText: "/launch" }).waitFor({ timeout: 30000 });
    expect(await page.locator("section h2 code").allTextContents()).toEqual(
      expect.arrayContaining(["/stream", "/metrics", "/statistics"]),
    );
  });

  it("met no script error and no refused resource", () => {
    // The failed launch's 401 is logged by the browser as a failed resource; nothing else may be.
    expect(problems.filter((problem) => !/status of 401/.test(problem))).toEqual([]);
  });
});

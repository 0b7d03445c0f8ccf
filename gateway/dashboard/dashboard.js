// The live dashboard. The chart and the top panels are read from /statistics/series and
// /statistics/top, so a reload or a past run shows its whole history; /stream (Server-Sent Events)
// says when to read them again, and drives the current run's figures, its phrases and its newest
// matches. The form drives /launch and /stop. Every text from the server is set as text, never as HTML.
/* global RateChart */
"use strict";

/** Matched tweets the list keeps. */
const TWEETS_SHOWN = 50;
/** The series' clock: the second the launcher pulled each tweet, the clock the run's own times use. */
const CLOCK = "ingest";
const BUCKET_SECONDS = { "1s": 1, "10s": 10, "1m": 60, "1h": 3600 };
const BUCKET_NAMES = { "1s": "second", "10s": "10 seconds", "1m": "minute", "1h": "hour" };
/** The range picker's choices: how far back from the run's newest second, and at which resolution. */
const RANGES = {
  "5m": { seconds: 300, resolution: "1s" },
  "1h": { seconds: 3600, resolution: "10s" },
  run: { seconds: null, resolution: null },
};
/** A whole run's resolution: the finest whose points stay few enough to read (at most 900–3,600). */
const WHOLE_RUN_RESOLUTIONS = [
  ["1s", 900],
  ["10s", 9000],
  ["1m", 216000],
  ["1h", Infinity],
];
/** At most one series read a second and one top-values read every 5 s, and only when the run's figures moved. */
const SERIES_EVERY_MS = 1000;
const TOPS_EVERY_MS = 5000;
/**
 * A live run's series is read again from this many seconds before its newest bucket: tweets are
 * counted in the second they were pulled, a moment after it, so recent buckets may still grow.
 */
const SETTLE_SECONDS = 30;
const TOP_FIELDS = ["hashtags", "mentions", "authors", "languages", "domains"];
const TOP_LIMIT = 10;
const RUNS_PAGE = 20;
/** Phrase lines take the colours series-0 … series-7 of dashboard.css, in turn. */
const PHRASE_COLOURS = 8;

const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat("en");
const chart = new RateChart($("chart"), $("chart-tooltip"));

/** The newest figures of the current run, from /stream. */
let liveFigures = null;

/** What the chart and the top panels show. */
const view = {
  /** Follows the current run, switching to each new one; false once the operator picked a run. */
  followLive: true,
  /** The run shown, as /statistics and /statistics/runs give it. */
  run: null,
  range: "run",
  resolution: "1s",
  /** The from and to of the series read (seconds since the epoch, or null for the run's span). */
  from: null,
  to: null,
  points: [],
  /** Phrases whose lines the legend turned off. */
  hidden: new Set(),
  /** The run overlaid for comparison, and its points. */
  compareRun: null,
  compare: null,
  /** Bumped whenever the run or range changes, so that an answer to an older read is dropped. */
  generation: 0,
};

/** The runs the run list holds, newest first, and the cursor of the next page. */
const runList = { runs: [], nextCursor: null };

// ---- reading the gateway ----

async function api(path, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, value]) => value !== null && value !== undefined),
  );
  const response = await fetch(query.size ? `${path}?${query}` : path, { headers: { Accept: "application/json" } });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message || `${response.status} ${response.statusText}`);
  return answer;
}

const seconds = (iso) => Math.floor(Date.parse(iso) / 1000);
const isoOf = (second) => new Date(second * 1000).toISOString();
/** A run whose series may still grow: it runs, or its launcher still sends what it pulled. */
const isLive = (run) => run.running || run.streaming;
const startOf = (run) => seconds(run.started_at);

/** The second after the run's last one: its end once ended, else now on the server's clock. */
function endOf(run) {
  if (run.ended_at) return seconds(run.ended_at) + 1;
  return startOf(run) + run.elapsed_time + 1;
}

function resolutionFor(range, run) {
  if (RANGES[range].resolution) return RANGES[range].resolution;
  const length = endOf(run) - startOf(run);
  return WHOLE_RUN_RESOLUTIONS.find(([, longest]) => length <= longest)[0];
}

/** The range's seconds of the run, [from, to); nulls ask for the run's span (to stays open while the run runs). */
function windowOf(range, run) {
  const span = RANGES[range].seconds;
  if (!span) return { from: null, to: null };
  const end = endOf(run);
  return { from: Math.max(startOf(run), end - span), to: isLive(run) ? null : end };
}

function seriesParams(run, resolution, from, to) {
  return {
    run_id: run.run_id,
    clock: CLOCK,
    resolution,
    from: from === null ? null : isoOf(from),
    to: to === null ? null : isoOf(to),
  };
}

async function readPoints(run, resolution, from, to) {
  const page = await api("/statistics/series", seriesParams(run, resolution, from, to));
  return page.points.map((point) => ({ ...point, iso: point.at, at: seconds(point.at) }));
}

/** `held` with the buckets of `fresh` replaced or added: the server answers every bucket of its range. */
function mergePoints(held, fresh) {
  const byStart = new Map(held.map((point) => [point.at, point]));
  for (const point of fresh) byStart.set(point.at, point);
  return [...byStart.values()].sort((a, b) => a.at - b.at);
}

// ---- the chart's series ----

/** Reads the view's whole range again. */
async function loadSeries(generation) {
  const run = view.run;
  const resolution = resolutionFor(view.range, run);
  const { from, to } = windowOf(view.range, run);
  const points = await readPoints(run, resolution, from, to);
  if (generation !== view.generation) return;
  Object.assign(view, { resolution, from, to, points });
}

/** A live run's newest buckets, merged into those held; older ones leave a "last n minutes" range. */
async function appendSeries(generation) {
  const run = view.run;
  const size = BUCKET_SECONDS[view.resolution];
  const newest = view.points[view.points.length - 1];
  const from = Math.max(view.points[0].at, newest.at - Math.max(SETTLE_SECONDS, size));
  const fresh = await readPoints(run, view.resolution, from, null);
  if (generation !== view.generation) return;
  let points = mergePoints(view.points, fresh);
  const span = RANGES[view.range].seconds;
  if (span) {
    const last = points[points.length - 1];
    points = points.filter((point) => point.at >= last.at + size - span);
    view.from = points[0].at;
  }
  view.points = points;
}

/**
 * A live run's chart grows by its newest buckets; anything else, or a run outgrowing its resolution,
 * is read whole: an ended run's last counts may land in any recent bucket.
 */
async function refreshSeries() {
  const generation = view.generation;
  const appendable =
    isLive(view.run) && view.points.length > 0 && resolutionFor(view.range, view.run) === view.resolution;
  await (appendable ? appendSeries(generation) : loadSeries(generation));
  if (generation !== view.generation) return;
  await loadCompare(generation);
  drawChart();
}

/** The compared run over the same seconds since its start as the chart shows of the run itself. */
async function loadCompare(generation) {
  const other = view.compareRun;
  if (!other || !view.points.length) {
    view.compare = null;
    return;
  }
  const offset = startOf(view.run) - startOf(other);
  const { from, to } = chartDomain();
  const otherFrom = Math.max(from - offset, startOf(other));
  const otherTo = Math.min(to - offset, endOf(other));
  const points = otherFrom < otherTo ? await readPoints(other, view.resolution, otherFrom, otherTo) : [];
  if (generation !== view.generation) return;
  view.compare = {
    label: `${other.track.join(", ")} · ${new Date(other.started_at).toLocaleTimeString()}`,
    offset,
    points,
  };
}

/** The time axis: the buckets held, from the first's start to the last's end. */
function chartDomain() {
  const size = BUCKET_SECONDS[view.resolution];
  const first = view.points[0];
  const last = view.points[view.points.length - 1];
  return { from: first.at, to: last.at + size };
}

function phraseLines() {
  return view.run.track.map((phrase, index) => ({
    key: phrase,
    label: phrase,
    colorClass: `series-${index % PHRASE_COLOURS}`,
    main: false,
    points: view.points.map((point) => ({ at: point.at, iso: point.iso, amount: point.per_phrase[phrase] ?? 0 })),
  }));
}

function drawChart() {
  const svg = $("chart");
  const run = view.run;
  svg.dataset.runId = run.run_id;
  svg.dataset.clock = CLOCK;
  svg.dataset.range = view.range;
  svg.dataset.resolution = view.resolution;
  svg.dataset.from = view.from === null ? "" : isoOf(view.from);
  svg.dataset.to = view.to === null ? "" : isoOf(view.to);
  $("chart-resolution").textContent = BUCKET_NAMES[view.resolution];
  $("chart-peak").textContent = number.format(Math.max(0, ...view.points.map((point) => point.amount)));
  $("chart-total").textContent = number.format(view.points.reduce((sum, point) => sum + point.amount, 0));
  $("chart-status").textContent = view.points.length ? "" : isLive(run) ? "No match yet" : "This run matched nothing";
  drawLegend();
  if (!view.points.length) return chart.clear();
  const newest = view.points[view.points.length - 1];
  const total = { key: "all", label: "all matches", colorClass: "series-total", main: true, points: view.points };
  const phrases = run.track.length > 1 ? phraseLines().filter((line) => !view.hidden.has(line.key)) : [];
  chart.draw({
    ...chartDomain(),
    size: BUCKET_SECONDS[view.resolution],
    partialAt: isLive(run) ? newest.at : null,
    lines: [...phrases, total],
    compare: view.compare,
    elapsedFrom: view.compare ? startOf(run) : null,
  });
}

/** One toggle per phrase (a run of one phrase has only the total), and the compared run's key. */
function drawLegend() {
  const items = [legendItem("all matches", "series-total", null)];
  if (view.run.track.length > 1)
    view.run.track.forEach((phrase, index) =>
      items.push(legendItem(phrase, `series-${index % PHRASE_COLOURS}`, phrase)),
    );
  if (view.compare) items.push(legendItem(`${view.compare.label} (compared, aligned by its start)`, "compare", null));
  $("legend").replaceChildren(...items);
}

function legendItem(label, colorClass, phrase) {
  const item = document.createElement("li");
  const swatch = Object.assign(document.createElement("span"), { className: `swatch ${colorClass}` });
  if (phrase === null) {
    item.append(swatch, document.createTextNode(label));
    return item;
  }
  const button = Object.assign(document.createElement("button"), { type: "button", className: "toggle" });
  button.setAttribute("aria-pressed", String(!view.hidden.has(phrase)));
  button.dataset.phrase = phrase;
  button.append(swatch, document.createTextNode(label));
  button.addEventListener("click", () => {
    if (!view.hidden.delete(phrase)) view.hidden.add(phrase);
    drawChart();
  });
  item.append(button);
  return item;
}

// ---- the top panels ----

async function loadTops() {
  const generation = view.generation;
  const run = view.run;
  const answers = await Promise.all(
    TOP_FIELDS.map((field) => api("/statistics/top", { run_id: run.run_id, field, limit: TOP_LIMIT })),
  );
  if (generation !== view.generation) return;
  answers.forEach((answer, index) => showTop(TOP_FIELDS[index], answer));
  const approximate = answers.some((answer) => answer.approximate);
  $("top-note").textContent = `run ${run.run_id}${approximate ? " · approximate: the rarest values were trimmed" : ""}`;
}

const TOP_PREFIX = { hashtags: "#", mentions: "@", authors: "@" };

function showTop(field, answer) {
  const list = $(`top-${field}`);
  const top = Math.max(1, ...answer.items.map((item) => item.count));
  const rows = answer.items.map((item) => {
    const row = barRow(`${TOP_PREFIX[field] ?? ""}${item.value}`, item.count, top);
    row.dataset.value = item.value;
    row.dataset.count = String(item.count);
    return row;
  });
  if (!rows.length)
    rows.push(Object.assign(document.createElement("li"), { className: "empty", textContent: "none yet" }));
  list.replaceChildren(...rows);
}

/** A list item of a name, a bar as long as `count` is of `top`, and the count. */
function barRow(name, count, top) {
  const item = document.createElement("li");
  const label = Object.assign(document.createElement("span"), { className: "name", textContent: name, title: name });
  const bar = Object.assign(document.createElement("span"), { className: "bar" });
  bar.style.width = `${(count / top) * 100}%`;
  const value = Object.assign(document.createElement("span"), {
    className: "count",
    textContent: number.format(count),
  });
  item.append(label, bar, value);
  return item;
}

// ---- the view: which run, which range, what to read again ----

/**
 * Reads again what moved, at most once a second for the series and every 5 s for the top panels,
 * only when the shown run's figures changed since the last read: an ended run is read once.
 */
const refresher = {
  busy: false,
  seriesKey: null,
  seriesAt: 0,
  topsKey: null,
  topsAt: 0,

  reset() {
    Object.assign(this, { seriesKey: null, seriesAt: 0, topsKey: null, topsAt: 0 });
  },

  async tick() {
    if (!view.run || this.busy) return;
    const run = view.run;
    const key = [run.run_id, run.amount, run.running, run.streaming].join(" ");
    const now = Date.now();
    this.busy = true;
    try {
      if (key !== this.seriesKey && now - this.seriesAt >= SERIES_EVERY_MS) {
        Object.assign(this, { seriesKey: key, seriesAt: now });
        await refreshSeries();
      }
      if (key !== this.topsKey && now - this.topsAt >= TOPS_EVERY_MS) {
        Object.assign(this, { topsKey: key, topsAt: now });
        await loadTops();
      }
      $("chart-status").classList.remove("error");
    } catch (error) {
      // Read again a moment later: a gateway restarting or Redis away answers 503 for a while.
      Object.assign(this, { seriesKey: null, topsKey: null });
      $("chart-status").textContent = `Could not read the run's statistics: ${error.message}`;
      $("chart-status").classList.add("error");
    } finally {
      this.busy = false;
    }
  },
};

/** Shows `run` on the chart and the top panels, read afresh. */
function showRun(run, followLive) {
  const sameRun = view.run?.run_id === run.run_id;
  Object.assign(view, { run, followLive, generation: view.generation + 1 });
  if (!sameRun) Object.assign(view, { points: [], hidden: new Set() });
  if (view.compareRun?.run_id === run.run_id) view.compareRun = null;
  refresher.reset();
  showViewHeader();
  showRunList();
  void refresher.tick();
}

function showViewHeader() {
  const run = view.run;
  $("view-run").textContent = run.run_id;
  $("view-track").textContent = run.track.join(", ");
  $("view-when").textContent = `started ${new Date(run.started_at).toLocaleString()} · ${duration(run.elapsed_time)}`;
  const state = $("view-state");
  state.dataset.state = run.running ? "running" : "idle";
  state.textContent = run.running ? "live" : run.end_reason || "ended";
  $("follow-live").hidden = view.followLive || !liveFigures?.run_id;
  for (const button of $("range").querySelectorAll("button"))
    button.setAttribute("aria-pressed", String(button.dataset.range === view.range));
}

function chooseRange(range) {
  if (!view.run || range === view.range) return;
  Object.assign(view, { range, points: [], generation: view.generation + 1 });
  refresher.reset();
  showViewHeader();
  void refresher.tick();
}

function chooseCompare(runId) {
  view.compareRun = runList.runs.find((run) => run.run_id === runId) ?? null;
  view.generation += 1;
  refresher.reset();
  void refresher.tick();
}

function duration(totalSeconds) {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const rest = totalSeconds % 60;
  if (hours) return `${hours} h ${minutes} min`;
  return minutes ? `${minutes} min ${rest} s` : `${rest} s`;
}

// ---- the run list ----

/** The first page of runs again, or (`more`) the next older page added; a failure is said in the panel. */
async function reloadRuns(more = false) {
  try {
    const page = await api("/statistics/runs", { limit: RUNS_PAGE, cursor: more ? runList.nextCursor : null });
    runList.runs = more ? [...runList.runs, ...page.runs] : page.runs;
    runList.nextCursor = page.next_cursor;
    $("runs-status").textContent = "";
  } catch (error) {
    $("runs-status").textContent = `Could not read the runs: ${error.message}`;
  }
  showRunList();
}

function showRunList() {
  $("runs").replaceChildren(...runList.runs.map(runItem));
  $("older-runs").hidden = !runList.nextCursor;
  showCompareChoices();
}

function runItem(run) {
  const item = document.createElement("li");
  item.dataset.runId = run.run_id;
  if (run.run_id === view.run?.run_id) item.classList.add("selected");
  const button = Object.assign(document.createElement("button"), { type: "button" });
  const track = Object.assign(document.createElement("span"), {
    className: "track",
    textContent: run.track.join(", "),
  });
  const state = Object.assign(document.createElement("span"), {
    className: "badge",
    textContent: run.running ? "running" : run.end_reason || "ended",
  });
  state.dataset.state = run.running ? "running" : "idle";
  const facts = [
    new Date(run.started_at).toLocaleString(),
    duration(run.elapsed_time),
    `${number.format(run.amount)} matched`,
    `peak ${number.format(run.peak_speed)}/s`,
  ];
  const meta = Object.assign(document.createElement("span"), { className: "meta", textContent: facts.join(" · ") });
  const id = Object.assign(document.createElement("code"), { textContent: run.run_id });
  button.append(track, state, meta, id);
  button.addEventListener("click", () => pickRun(run));
  item.append(button);
  return item;
}

/** A run picked from the list; the current run, picked, is followed live again. */
function pickRun(run) {
  if (run.run_id === liveFigures?.run_id) showRun(liveFigures, true);
  else showRun(run, false);
}

function showCompareChoices() {
  const select = $("compare");
  const options = runList.runs
    .filter((run) => run.run_id !== view.run?.run_id)
    .map((run) => {
      const label = `${run.track.join(", ")} · ${new Date(run.started_at).toLocaleString()}`;
      return Object.assign(document.createElement("option"), { value: run.run_id, textContent: label });
    });
  select.replaceChildren(
    Object.assign(document.createElement("option"), { value: "", textContent: "no other run" }),
    ...options,
  );
  select.value = view.compareRun?.run_id ?? "";
}

// ---- the current run, from /stream ----

/** New figures of the current run: shown, and followed by the chart when it follows the live run. */
function onFigures(figures) {
  const previous = liveFigures;
  liveFigures = figures;
  showFigures(figures);
  // A run began or ended: the run list's newest entry changed.
  if (previous?.run_id !== figures.run_id || previous?.running !== figures.running) void reloadRuns();
  if (!figures.run_id) return;
  if (view.followLive && view.run?.run_id !== figures.run_id) return showRun(figures, true);
  if (view.run?.run_id === figures.run_id) {
    view.run = figures;
    showViewHeader();
  }
}

function showFigures(figures) {
  $("amount").textContent = number.format(figures.amount);
  $("elapsed").textContent = duration(figures.elapsed_time);
  $("speed").textContent = rate(figures.speed);
  $("speed-now").textContent = rate(figures.speed_now ?? 0);
  $("peak").textContent = number.format(figures.peak_speed ?? 0);
  $("peak-at").textContent = figures.peak_at
    ? `tweets/s at ${new Date(figures.peak_at).toLocaleTimeString()}`
    : "tweets/s";
  $("examined").textContent = number.format(figures.examined);
  $("run-id").textContent = figures.run_id || "–";
  $("run-track").textContent = figures.track.length ? figures.track.join(", ") : "–";
  $("run-source").textContent = figures.source || "–";
  const state = $("run-state");
  const phase = figures.running ? "running" : figures.run_id ? figures.end_reason || "ended" : "idle";
  state.dataset.state = figures.running ? "running" : "idle";
  state.textContent = figures.run_id ? phase : "no run";
  showPhrases(figures.per_phrase);
  showRules(figures.rules || [], figures.per_rule || {});
}

const rate = (value) => value.toFixed(value < 10 ? 2 : 0);

function showPhrases(perPhrase) {
  const entries = Object.entries(perPhrase).sort((a, b) => b[1] - a[1]);
  const top = Math.max(1, ...entries.map(([, count]) => count));
  $("phrases").replaceChildren(...entries.map(([phrase, count]) => barRow(phrase, count, top)));
}

/** The run's rules in their order, each with its matched tweets, 0 before its first. */
function showRules(rules, perRule) {
  $("rules-counts-block").hidden = rules.length === 0;
  const top = Math.max(1, ...rules.map((rule) => perRule[rule] || 0));
  $("rules-counts").replaceChildren(...rules.map((rule) => barRow(rule, perRule[rule] || 0, top)));
}

/** A matched tweet at the top of the list, once: the page's first read of /timeline and the stream may both bring it. */
function showTweet(event) {
  const list = $("tweets");
  if ([...list.children].some((shown) => shown.dataset.tweetId === event.tweet.id)) return;
  const item = document.createElement("li");
  item.dataset.tweetId = event.tweet.id;
  const author = Object.assign(document.createElement("span"), {
    className: "author",
    textContent: `@${event.tweet.author.username}`,
  });
  const text = document.createTextNode(event.tweet.text);
  item.append(author, text);
  for (const phrase of event.phrases)
    item.append(Object.assign(document.createElement("span"), { className: "phrase-tag", textContent: phrase }));
  list.prepend(item);
  while (list.children.length > TWEETS_SHOWN) list.lastElementChild.remove();
}

function connect() {
  const connection = $("connection");
  const source = new EventSource("/stream");
  source.addEventListener("open", () => {
    connection.dataset.state = "open";
    connection.textContent = "live";
  });
  source.addEventListener("error", () => {
    // EventSource reconnects by itself (the stream's `retry`).
    connection.dataset.state = "error";
    connection.textContent = "reconnecting…";
  });
  source.addEventListener("statistics", (event) => onFigures(JSON.parse(event.data)));
  source.addEventListener("tweet", (event) => showTweet(JSON.parse(event.data)));
}

// ---- launch and stop ----

function say(text, isError) {
  const message = $("message");
  message.textContent = text;
  message.className = isError ? "error" : "";
}

async function post(path, body) {
  const headers = { "Content-Type": "application/json" };
  const token = $("token").value.trim();
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message || `${response.status} ${response.statusText}`);
  return answer;
}

/** The form's launch: track phrases, rules, or both (the gateway says which field is wrong). */
function launchParams() {
  const params = {};
  const track = $("track")
    .value.split(",")
    .map((phrase) => phrase.trim())
    .filter(Boolean);
  const rules = $("rules")
    .value.split("\n")
    .map((rule) => rule.trim())
    .filter(Boolean);
  if (track.length > 0 || rules.length === 0) params.track = track;
  if (rules.length > 0) params.rules = rules;
  const maxTweets = $("max-tweets").value;
  const seconds = $("duration").value;
  if (maxTweets) params.max_tweets = Number(maxTweets);
  if (seconds) params.duration = Number(seconds);
  return params;
}

function wireForm() {
  const token = sessionStorage.getItem("tweetmesh.token");
  if (token) $("token").value = token;
  $("token").addEventListener("change", () => sessionStorage.setItem("tweetmesh.token", $("token").value.trim()));

  $("launch").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("launch-button");
    button.disabled = true;
    try {
      const answer = await post("/launch", launchParams());
      say(`Launched run ${answer.run_id}${answer.warnings.length ? ` — ${answer.warnings.join("; ")}` : ""}`, false);
    } catch (error) {
      say(`Launch refused: ${error.message}`, true);
    } finally {
      button.disabled = false;
    }
  });

  $("stop-button").addEventListener("click", async () => {
    try {
      const answer = await post("/stop", {});
      say(answer.process_stopped ? `Stopped run ${answer.run_id}` : "No run was running", false);
    } catch (error) {
      say(`Stop refused: ${error.message}`, true);
    }
  });
}

function wireView() {
  for (const button of $("range").querySelectorAll("button"))
    button.addEventListener("click", () => chooseRange(button.dataset.range));
  $("compare").addEventListener("change", (event) => chooseCompare(event.target.value));
  $("follow-live").addEventListener("click", () => liveFigures?.run_id && showRun(liveFigures, true));
  $("older-runs").addEventListener("click", () => void reloadRuns(true));
}

wireForm();
wireView();
connect();
// Two first reads that fill the page before the stream does: the figures (its first event repeats
// them) and the newest matches from before the page opened (it brings only later ones), oldest
// first. Either failing leaves the page to the stream alone.
api("/statistics")
  .then((figures) => liveFigures === null && onFigures(figures))
  .catch(() => {});
api("/timeline", { limit: TWEETS_SHOWN })
  .then((page) => page.tweets.reverse().forEach(showTweet))
  .catch(() => {});
setInterval(() => void refresher.tick(), 250);

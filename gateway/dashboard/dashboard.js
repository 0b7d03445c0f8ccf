// The live dashboard: reads /stream (Server-Sent Events) and drives /launch and /stop.
// Plain browser JavaScript, no build step; every text from the stream is set as text, never as HTML.
"use strict";

/** Seconds of history the chart shows. */
const CHART_SECONDS = 300;
/** Matched tweets the list keeps. */
const TWEETS_SHOWN = 50;

const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat("en");

const chart = {
  runId: null,
  lastAmount: null,
  /** Matched tweets per whole second (ms since the epoch / 1000), from successive statistics. */
  perSecond: new Map(),

  reset(runId) {
    this.runId = runId;
    this.lastAmount = null;
    this.perSecond.clear();
  },

  record(figures) {
    if (figures.run_id !== this.runId) this.reset(figures.run_id);
    if (this.lastAmount !== null && figures.amount > this.lastAmount) {
      const second = Math.floor(Date.now() / 1000);
      this.perSecond.set(second, (this.perSecond.get(second) || 0) + figures.amount - this.lastAmount);
    }
    this.lastAmount = figures.amount;
  },

  render() {
    const now = Math.floor(Date.now() / 1000);
    for (const second of this.perSecond.keys()) if (second <= now - CHART_SECONDS) this.perSecond.delete(second);
    const values = [];
    for (let second = now - CHART_SECONDS + 1; second <= now; second++) values.push(this.perSecond.get(second) || 0);
    const peak = Math.max(1, ...values);
    const width = 600 / (CHART_SECONDS - 1);
    const points = values.map((value, i) => `${(i * width).toFixed(1)},${(158 - (value / peak) * 150).toFixed(1)}`);
    $("chart-line").setAttribute("points", points.join(" "));
    $("chart-peak").textContent = number.format(Math.max(...values));
  },
};

function showFigures(figures) {
  chart.record(figures);
  $("amount").textContent = number.format(figures.amount);
  $("elapsed").textContent = `${number.format(figures.elapsed_time)} s`;
  $("speed").textContent = figures.speed.toFixed(figures.speed < 10 ? 2 : 0);
  $("examined").textContent = number.format(figures.examined);
  $("run-id").textContent = figures.run_id || "–";
  $("run-track").textContent = figures.track.length ? figures.track.join(", ") : "–";
  $("run-source").textContent = figures.source || "–";
  const state = $("run-state");
  const phase = figures.running ? "running" : figures.run_id ? figures.end_reason || "ended" : "idle";
  state.dataset.state = figures.running ? "running" : "idle";
  state.textContent = figures.run_id ? phase : "no run";
  showPhrases(figures.per_phrase);
}

function showPhrases(perPhrase) {
  const entries = Object.entries(perPhrase).sort((a, b) => b[1] - a[1]);
  const top = Math.max(1, ...entries.map(([, count]) => count));
  const list = $("phrases");
  list.replaceChildren(
    ...entries.map(([phrase, count]) => {
      const item = document.createElement("li");
      const name = Object.assign(document.createElement("span"), {
        className: "phrase",
        textContent: phrase,
        title: phrase,
      });
      const bar = Object.assign(document.createElement("span"), { className: "bar" });
      bar.style.width = `${(count / top) * 100}%`;
      const value = Object.assign(document.createElement("span"), {
        className: "count",
        textContent: number.format(count),
      });
      item.append(name, bar, value);
      return item;
    }),
  );
}

function showTweet(event) {
  const item = document.createElement("li");
  const author = Object.assign(document.createElement("span"), {
    className: "author",
    textContent: `@${event.tweet.author.username}`,
  });
  const text = document.createTextNode(event.tweet.text);
  item.append(author, text);
  for (const phrase of event.phrases)
    item.append(Object.assign(document.createElement("span"), { className: "phrase-tag", textContent: phrase }));
  const list = $("tweets");
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
  source.addEventListener("statistics", (event) => showFigures(JSON.parse(event.data)));
  source.addEventListener("tweet", (event) => showTweet(JSON.parse(event.data)));
}

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

function launchParams() {
  const params = {
    track: $("track")
      .value.split(",")
      .map((phrase) => phrase.trim())
      .filter(Boolean),
  };
  const maxTweets = $("max-tweets").value;
  const duration = $("duration").value;
  if (maxTweets) params.max_tweets = Number(maxTweets);
  if (duration) params.duration = Number(duration);
  return params;
}

function wire() {
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

wire();
connect();
chart.render();
setInterval(() => chart.render(), 1000);

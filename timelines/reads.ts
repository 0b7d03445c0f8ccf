import type { TimelineParams, TimelinePage } from "../contracts/actions";
import type { Run } from "../contracts/run";
import type {
  AuthorTimelineParams,
  AuthorTimelinePage,
  HomeTimelineParams,
  HomeTimelinePage,
  HydratedTweet,
  RuleTimelineParams,
  RuleTimelinePage,
  TrackTimelineParams,
  TrackTimelinePage,
} from "../contracts/timelines";
import { normalizePhrase } from "../contracts/track";
import { ALL_RUNS, type RedisKeys } from "../store/keys";
import { hydratedTweet, type TimelineEntry, type TimelinePageOf } from "../store/timeline-store";

/** What the timeline reads need: the current run, the timelines' keys, and the store that pages them. */
export interface TimelineReadPorts {
  runs: { current(): Promise<Pick<Run, "id"> | null> };
  keys: Pick<RedisKeys, "timeline" | "ruleTimeline" | "authorTimeline" | "homeTimeline">;
  timelines: {
    read(timeline: string, limit: number, before?: string): Promise<TimelinePageOf>;
    tweet(tweetId: string): Promise<TimelineEntry | null>;
    authorId(author: string): Promise<string | null>;
  };
}

/** Which run a read is about: the one asked, every run (`all_runs`), or else the current one. */
interface RunChoice {
  run_id?: string | undefined;
  all_runs?: boolean;
}

type ReadPage = Omit<HomeTimelinePage, "subscriber">;

/** The run id a read is about (`ALL_RUNS` across runs); null before any run. */
async function resolveRun(ports: TimelineReadPorts, choice: RunChoice): Promise<string | null> {
  if (choice.all_runs) return ALL_RUNS;
  return choice.run_id ?? (await ports.runs.current())?.id ?? null;
}

/** A page of the timeline `keyIn` names for the run a read is about; empty when there is none. */
async function readPage(
  ports: TimelineReadPorts,
  request: TrackTimelineParams | RuleTimelineParams | AuthorTimelineParams | HomeTimelineParams,
  keyIn: (runId: string) => string | null,
): Promise<ReadPage> {
  const runId = await resolveRun(ports, request);
  const answer = { run_id: request.all_runs ? null : runId, all_runs: request.all_runs };
  const key = runId === null ? null : keyIn(runId);
  if (key === null) return { ...answer, tweets: [], next_cursor: null };
  const page = await ports.timelines.read(key, request.limit, request.cursor);
  return { ...answer, tweets: page.entries.map(hydratedTweet), next_cursor: page.nextCursor };
}

/** `timeline.get`: a page of a run's matched tweets (the current run unless `run_id`), optionally of one phrase. */
export async function readRunTimeline(ports: TimelineReadPorts, params: TimelineParams): Promise<TimelinePage> {
  const track = params.track ?? null;
  const runId = await resolveRun(ports, params);
  if (runId === null) return { run_id: null, track, tweets: [], next_cursor: null };
  const key = ports.keys.timeline(runId, params.track === undefined ? undefined : normalizePhrase(params.track));
  const page = await ports.timelines.read(key, params.limit, params.cursor);
  return { run_id: runId, track, tweets: page.entries, next_cursor: page.nextCursor };
}

/** `timeline.track`: a page of one track phrase's timeline. */
export async function readTrackTimeline(
  ports: TimelineReadPorts,
  params: TrackTimelineParams,
): Promise<TrackTimelinePage> {
  return {
    track: params.phrase,
    ...(await readPage(ports, params, (runId) => ports.keys.timeline(runId, params.phrase))),
  };
}

/** `timeline.rule`: a page of one X rule's timeline, the rule by its text as the run gave it. */
export async function readRuleTimeline(
  ports: TimelineReadPorts,
  params: RuleTimelineParams,
): Promise<RuleTimelinePage> {
  return {
    rule: params.rule,
    ...(await readPage(ports, params, (runId) => ports.keys.ruleTimeline(runId, params.rule))),
  };
}

/** `timeline.author`: a page of one author's matched tweets; the author by user id or `@screen_name`. */
export async function readAuthorTimeline(
  ports: TimelineReadPorts,
  params: AuthorTimelineParams,
): Promise<AuthorTimelinePage> {
  const authorId = await ports.timelines.authorId(params.author);
  const page = await readPage(ports, params, (runId) =>
    authorId === null ? null : ports.keys.authorTimeline(runId, authorId),
  );
  return { author: params.author, author_id: authorId, ...page };
}

/** `timeline.home`: a page of a subscriber's home timeline, the tweets of the authors and phrases they follow. */
export async function readHomeTimeline(
  ports: TimelineReadPorts,
  params: HomeTimelineParams,
): Promise<HomeTimelinePage> {
  return {
    subscriber: params.subscriber,
    ...(await readPage(ports, params, (runId) => ports.keys.homeTimeline(runId, params.subscriber))),
  };
}

/** `timeline.tweet`: one kept tweet; null once its body expired or it was deleted. */
export async function readTweet(ports: TimelineReadPorts, id: string): Promise<HydratedTweet | null> {
  const entry = await ports.timelines.tweet(id);
  return entry ? hydratedTweet(entry) : null;
}

import type { RunStatistics } from "../../contracts/actions";
import type { ReplayExpectation } from "./captures";
import { eventually } from "./eventually";

/** The run ended, nothing streams, and every tweet sent was examined (more, when a takeover resent a few). */
export const drained = (figures: RunStatistics): boolean =>
  !figures.running && !figures.streaming && figures.examined >= figures.published && figures.published > 0;

/**
 * Waits for a replay's run to end and drain, then checks its figures are the reference's exactly:
 * whatever restarted meanwhile, no tweet lost and none counted twice.
 */
export async function expectExactReplayEnd(
  statistics: () => Promise<RunStatistics>,
  expected: ReplayExpectation,
): Promise<RunStatistics> {
  const final = await eventually(
    () => statistics().catch(() => ({}) as RunStatistics),
    drained,
    120_000,
    "the replay to end and drain",
  );
  expect(final).toMatchObject({
    end_reason: "source_exhausted",
    published: expected.tweets,
    amount: expected.matched.length,
  });
  expect(final.per_phrase).toEqual(expected.perPhrase);
  return final;
}

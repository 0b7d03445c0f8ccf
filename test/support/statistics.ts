import type { RunStatistics } from "../../contracts/actions";

/** The run ended, nothing streams, and every tweet sent was examined (more, when a takeover resent a few). */
export const drained = (figures: RunStatistics): boolean =>
  !figures.running && !figures.streaming && figures.examined >= figures.published && figures.published > 0;

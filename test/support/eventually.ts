/**
 * Waiting for something to have happened, never for time to pass: a test polls a condition and
 * fails, saying what it waited for, once the deadline is over. The deadline is generous because the
 * machine may be busy; a test that passes never waits for it.
 */

/** Polls until `check` accepts what `probe` answers, or fails after `timeoutMs` with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Waits until `condition` holds, for state the test reads in its own process (checked every few milliseconds). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => condition(),
    (held) => held,
    timeoutMs,
    what,
    5,
  );
}

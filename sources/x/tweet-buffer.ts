import type { SourceItem } from "../../contracts/tweet";

/**
 * Items between the HTTP reader (pushed as they arrive) and the consumer (pulled when it is ready).
 * Bounded, since a live stream cannot be paused: `offer` answers false, and the caller counts a
 * drop, when it is full.
 */
export class TweetBuffer {
  private items: SourceItem[] = [];
  private head = 0;
  private wake: (() => void) | null = null;
  private ended: { error?: Error } | null = null;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`buffer capacity must be a whole number of 1 or more, got ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  offer(item: SourceItem): boolean {
    if (this.ended || this.size >= this.capacity) return false;
    this.items.push(item);
    this.notify();
    return true;
  }

  /** No more items will come; `error` is thrown to the consumer once it took what is buffered. */
  close(error?: Error): void {
    this.ended ??= error ? { error } : {};
    this.notify();
  }

  /** The next item; undefined when the buffer ended or `signal` aborted. */
  async take(signal: AbortSignal): Promise<SourceItem | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      if (this.size > 0) return this.shift();
      if (this.ended?.error) throw this.ended.error;
      if (this.ended) return undefined;
      await this.wait(signal);
    }
  }

  private shift(): SourceItem | undefined {
    const item = this.items[this.head];
    this.head += 1;
    // Compact now and then rather than `shift()` each item, which copies the whole array.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private wait(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener("abort", done);
        this.wake = null;
        resolve();
      };
      this.wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  private notify(): void {
    this.wake?.();
  }
}

import type { Middleware } from "moleculer";

interface Waiting<T> {
  call: () => Promise<T>;
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

interface Slot<T> {
  next: Waiting<T> | null;
}

/**
 * Joins identical reads that arrive while one is in flight into a single next call, like a request
 * collapsing cache without the cache: at most one call per key in flight and one waiting. Each
 * caller's answer comes from a call that started after the caller arrived, so nobody reads state
 * older than their own request (a client that launched and then reads sees its launch).
 */
export class ReadCoalescer<T> {
  private readonly slots = new Map<string, Slot<T>>();

  run(key: string, call: () => Promise<T>): Promise<T> {
    const slot = this.slots.get(key);
    if (!slot) {
      const fresh: Slot<T> = { next: null };
      this.slots.set(key, fresh);
      return this.start(key, fresh, call);
    }
    if (!slot.next) {
      let resolve!: (value: T) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
      slot.next = { call, promise, resolve, reject };
    }
    return slot.next.promise;
  }

  /** Keys with a call in flight. */
  get inFlight(): number {
    return this.slots.size;
  }

  private start(key: string, slot: Slot<T>, call: () => Promise<T>): Promise<T> {
    const answer = call();
    const settled = () => {
      const next = slot.next;
      slot.next = null;
      if (!next) return void this.slots.delete(key);
      this.start(key, slot, next.call).then(next.resolve, next.reject);
    };
    answer.then(settled, settled);
    return answer;
  }
}

interface CoalescedAction {
  name: string;
  /** Set in an action's schema: a read whose concurrent identical calls may share one answer. */
  coalesce?: boolean;
}

/**
 * Calls of the actions that say `coalesce: true`, from this node to others, go through a
 * ReadCoalescer per action keyed by params: fifty clients polling /statistics cost the gateway one
 * RPC in flight and one waiting, not fifty. The flag travels in the action's schema to the callers;
 * an older worker that does not announce it is called as before.
 */
export const ReadCoalescing = {
  name: "ReadCoalescing",
  remoteAction(next: (ctx: { params: unknown }) => Promise<unknown>, action: CoalescedAction) {
    if (action.coalesce !== true) return next;
    const coalescer = new ReadCoalescer<unknown>();
    // A promise of each caller's own: Moleculer hangs the caller's context on the promise it gets.
    return (ctx: { params: unknown }) =>
      coalescer.run(JSON.stringify(ctx.params ?? {}), () => next(ctx)).then((answer) => answer);
  },
} as unknown as Middleware;

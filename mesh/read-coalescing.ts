import { Errors, type Middleware } from "moleculer";

/** How much longer than its caller's timeout a shared call is waited for: the caller times out first. */
const ABANDON_AFTER_TIMEOUT_MS = 50;

interface Waiting<T> {
  call: () => Promise<T>;
  timeoutMs: number;
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
 *
 * A call that never settles (a request RabbitMQ dropped) would hold every later caller: a call is
 * abandoned `timeoutMs` + 50 ms after it started, failing its callers with `abandoned()`, and the
 * next caller starts a fresh one.
 */
export class ReadCoalescer<T> {
  private readonly slots = new Map<string, Slot<T>>();

  /** `abandoned` makes the error of an abandoned call: a retryable one, for callers to call again. */
  constructor(private readonly abandoned: () => Error) {}

  /** `call`'s answer, or that of an identical call started after now; `timeoutMs` 0 waits for it forever. */
  run(key: string, call: () => Promise<T>, timeoutMs = 0): Promise<T> {
    const slot = this.slots.get(key);
    if (!slot) {
      const fresh: Slot<T> = { next: null };
      this.slots.set(key, fresh);
      return this.start(key, fresh, call, timeoutMs);
    }
    if (!slot.next) {
      let resolve!: (value: T) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
      slot.next = { call, timeoutMs, promise, resolve, reject };
    }
    return slot.next.promise;
  }

  /** Keys with a call in flight. */
  get inFlight(): number {
    return this.slots.size;
  }

  private start(key: string, slot: Slot<T>, call: () => Promise<T>, timeoutMs: number): Promise<T> {
    const answer = this.bounded(call(), timeoutMs);
    const settled = () => {
      const next = slot.next;
      slot.next = null;
      if (!next) return void this.slots.delete(key);
      this.start(key, slot, next.call, next.timeoutMs).then(next.resolve, next.reject);
    };
    answer.then(settled, settled);
    return answer;
  }

  /** `answer`, or the abandoned error once `timeoutMs` + 50 ms passed without it. */
  private bounded(answer: Promise<T>, timeoutMs: number): Promise<T> {
    if (timeoutMs <= 0) return answer;
    let timer: NodeJS.Timeout | undefined;
    const abandon = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.abandoned()), timeoutMs + ABANDON_AFTER_TIMEOUT_MS);
    });
    return Promise.race([answer, abandon]).finally(() => clearTimeout(timer));
  }
}

/** What the middleware reads of a caller's context; the Timeout middleware set `options.timeout` before. */
interface CallContext {
  params: unknown;
  nodeID?: string | null;
  options?: { timeout?: number };
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
  remoteAction(next: (ctx: CallContext) => Promise<unknown>, action: CoalescedAction) {
    if (action.coalesce !== true) return next;
    const coalescer = new ReadCoalescer<unknown>(
      () => new Errors.RequestTimeoutError({ action: action.name, nodeID: null }),
    );
    // A promise of each caller's own: Moleculer hangs the caller's context on the promise it gets.
    return (ctx: CallContext) =>
      coalescer
        .run(JSON.stringify(ctx.params ?? {}), () => next(ctx), ctx.options?.timeout ?? 0)
        .then((answer) => answer);
  },
} as unknown as Middleware;

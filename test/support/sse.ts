/** One Server-Sent Event as a client reads it. */
export interface StreamEvent {
  event: string;
  data: unknown;
  /** Its `id:` line, null without one. */
  id: string | null;
}

/** A `/stream` client: collects the events as they arrive, until closed. */
export class EventStreamClient {
  readonly events: StreamEvent[] = [];
  status = 0;
  contentType: string | null = null;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  private constructor(response: Response) {
    this.status = response.status;
    this.contentType = response.headers.get("content-type");
    this.done = this.read(response).catch(() => undefined);
  }

  /** `headers`: `Last-Event-ID`, as an EventSource sends it when it reconnects. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
    const abort = new AbortController();
    const response = await fetch(url, { signal: abort.signal, headers });
    const client = new EventStreamClient(response);
    client.abort.signal.addEventListener("abort", () => abort.abort());
    return client;
  }

  named(event: string): unknown[] {
    return this.events.filter((entry) => entry.event === event).map((entry) => entry.data);
  }

  /** The last `id:` received, as an EventSource keeps it to send back when it reconnects. */
  get lastEventId(): string | null {
    return this.events.findLast((entry) => entry.id !== null)?.id ?? null;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async read(response: Response): Promise<void> {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        const id = /^id: (.*)$/m.exec(block)?.[1] ?? null;
        if (event && data !== undefined) this.events.push({ event, data: JSON.parse(data), id });
      }
    }
  }
}

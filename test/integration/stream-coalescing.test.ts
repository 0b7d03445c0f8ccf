import type { RunStatistics } from "../../contracts/actions";
import type { ServiceName } from "../../config/environment";
import { request, TestMesh } from "../support/mesh";
import { EventStreamClient } from "../support/sse";
import { waitUntil } from "../support/eventually";

const EVERY_SERVICE: ServiceName[] = ["api", "launcher", "filter", "statistics", "timeline"];
const CLIENTS = 50;
/** Far below Moleculer's 10 s request timeout, which is what a lost request used to cost. */
const PROMPT_MS = 3000;

/**
 * Right after a mesh starts, Moleculer has not yet declared the actions' request queues: it does so
 * when it subscribes to them, a second after the services started. A request published before then
 * was dropped by RabbitMQ, and the read coalescer kept that lost call as the one every later
 * identical read joined, so /statistics and the stream's figures hung for the 10 s timeout.
 */
describe("/stream clients and GET /statistics right after start-up", () => {
  let mesh: TestMesh;
  const clients: EventStreamClient[] = [];

  beforeAll(async () => {
    // One process, as `make up` runs it, in a namespace of its own: no request queue exists yet.
    mesh = await TestMesh.start([{ services: EVERY_SERVICE }]);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await mesh?.stop();
  });

  it("answer promptly", async () => {
    const started = Date.now();
    const opened = Array.from({ length: CLIENTS }, () => EventStreamClient.open(`${mesh.url}/stream`));
    const statistics = request<RunStatistics>(`${mesh.url}/statistics`);
    clients.push(...(await Promise.all(opened)));
    expect((await statistics).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    await waitUntil(
      () => clients.every((client) => client.named("statistics").length > 0),
      "every client's first figures",
      PROMPT_MS,
    );
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
  }, 30_000);
});

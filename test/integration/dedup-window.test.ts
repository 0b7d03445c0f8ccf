import amqp from "amqplib";
import type { TweetBatch } from "../../contracts/messages";
import { DeadLetters } from "../../pipeline/dead-letters";
import { pipelineTopology } from "../../pipeline/topology";
import { snowflakeAt } from "../../sources/payloads/snowflake";
import { redisKeys } from "../../store/keys";
import { RunStore } from "../../store/run-store";
import { aTweet } from "../support/batches";
import { AMQP_URL, eventually, TestMesh } from "../support/mesh";
import { queueDepth } from "../support/queues";

/**
 * Issue #17: a batch that comes back after DEDUP_WINDOW is refused and dead-lettered with its reason,
 * not counted; within the window it is counted once. Real filter and statistics workers, RabbitMQ and
 * Redis; batches published by hand, as the launcher would, so that their send times can be chosen.
 */
describe("the de-duplication window, end to end", () => {
  const WINDOW = 10;
  let mesh: TestMesh;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;

  beforeAll(async () => {
    mesh = await TestMesh.start([{ services: ["filter"] }, { services: ["statistics"] }], {
      DEDUP_WINDOW: String(WINDOW),
    });
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await connection?.close();
    await mesh?.stop();
  });

  async function publish(batch: TweetBatch): Promise<void> {
    const body = Buffer.from(JSON.stringify(batch));
    channel.publish(pipelineTopology(mesh.namespace).tweetsExchange, "", body, {
      persistent: true,
      contentType: "application/json",
      messageId: batch.batch_id,
    });
    await channel.waitForConfirms();
  }

  it("counts a batch resent within the window once, and dead-letters one resent after it, with its reason", async () => {
    const runs = new RunStore(mesh.redis, redisKeys(mesh.namespace));
    const { run } = await runs.launch({
      track: ["bieber"],
      rules: [],
      languages: [],
      max_tweets: null,
      duration: null,
      source: "replay",
      seed: null,
    });
    const start = Date.now() - 60_000;
    const batchAt = (offset: number, first: number): TweetBatch => ({
      v: 1,
      run_id: run.id,
      batch_id: `${run.id}:${first}-${first + 3}`,
      sent_at: start + offset,
      tweets: [0, 1, 2].map((n) =>
        aTweet(snowflakeAt(start + offset - 100, 1, first + n), n === 2 ? "nothing here" : `bieber ${first + n}`),
      ),
      deletes: [],
    });
    const amount = async () => (await runs.get(run.id))?.amount ?? 0;
    const examined = async () => (await runs.get(run.id))?.examined ?? 0;

    const first = batchAt(0, 0);
    await publish(first);
    await eventually(amount, (n) => n === 2, 30_000, "the first batch counted");
    await publish(batchAt(8_000, 3));
    await eventually(amount, (n) => n === 4, 30_000, "the second batch counted");
    // Sent again within the window (as after an unconfirmed publish): counted once.
    await publish(first);
    await publish(batchAt(20_000, 6));
    await eventually(examined, (n) => n === 9, 30_000, "the third batch examined");
    expect(await amount()).toBe(6);

    // The first batch again, 20 s older than the run's newest: it cannot be told from new.
    await publish(first);
    const letters = await eventually(
      () => new DeadLetters([AMQP_URL], pipelineTopology(mesh.namespace)).list(10),
      (report) => report.total > 0,
      30_000,
      "the late batch dead-lettered",
    );
    expect(letters.letters).toEqual([
      {
        messageId: first.batch_id,
        queue: pipelineTopology(mesh.namespace).queues.filter,
        reason: expect.stringMatching(
          /^late: batch \S+:0-3, sent at .+, came back more than DEDUP_WINDOW \(10 s\) after its run's newest batch/,
        ),
        runId: run.id,
        bytes: expect.any(Number),
      },
    ]);
    expect(await queueDepth(pipelineTopology(mesh.namespace).queues.filter)).toBe(0);
    expect(await runs.get(run.id)).toMatchObject({ amount: 6, examined: 9 });
  });
});

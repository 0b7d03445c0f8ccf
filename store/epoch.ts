import { randomUUID } from "node:crypto";
import type { RedisClient } from "./redis";
import { z } from "zod";
import type { Logger } from "../core/logger";
import type { RedisKeys } from "./keys";

/** The marker of a mesh's state in Redis: which incarnation of it, and when an earlier one was found lost. */
const Epoch = z.object({ id: z.string(), created_at: z.number(), state_lost_at: z.number().nullable() });
type Epoch = z.infer<typeof Epoch>;

/**
 * Detects that Redis lost this mesh's state (restarted without persistence, or flushed): each mesh
 * keeps an epoch marker in Redis, and a client that had seen it and finds it gone, or replaced,
 * says so once, at error, and writes a new one that records when the loss was found, which every
 * worker then reports (`/statistics` `state_lost_at`, `/ready`).
 */
export class MeshEpoch {
  private known: Epoch | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Pick<RedisKeys, "epoch">,
    private readonly logger: Pick<Logger, "error">,
  ) {}

  /** When the mesh's state was last found lost (ms since the epoch), or null: as of the last check. */
  get stateLostAt(): number | null {
    return this.known?.state_lost_at ?? null;
  }

  /** Reads the marker, or writes it when absent; a marker that went away since the last check is a loss. */
  async check(now = Date.now()): Promise<void> {
    const stored = await this.redis.get(this.keys.epoch);
    if (stored !== null) {
      const epoch = Epoch.parse(JSON.parse(stored));
      if (this.known && epoch.id !== this.known.id && epoch.state_lost_at !== this.known.state_lost_at)
        this.reportLoss();
      this.known = epoch;
      return;
    }
    const lost = this.known !== null;
    const created: Epoch = {
      id: randomUUID(),
      created_at: now,
      state_lost_at: lost ? now : (this.known?.state_lost_at ?? null),
    };
    if ((await this.redis.set(this.keys.epoch, JSON.stringify(created), "NX")) !== "OK") return this.check(now);
    if (lost) this.reportLoss();
    this.known = created;
  }

  private reportLoss(): void {
    this.logger.error(
      `Redis lost this mesh's state: its marker ${this.keys.epoch} was gone (Redis restarted without persistence, or was flushed?). Runs and figures from before are gone; nothing is written for a run that no longer exists. Give Redis persistence (AOF) to keep them`,
    );
  }
}

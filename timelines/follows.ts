import { Errors } from "moleculer";
import type { FollowParams, Follows } from "../contracts/timelines";
import { FollowRefused } from "../store/follow-store";

/** What a follow needs: a store that keeps the caps and says `FollowRefused` past one. */
export interface FollowPorts {
  follow(subscriber: string, authors: readonly string[], phrases: readonly string[]): Promise<Follows>;
}

/**
 * `timeline.follow`: the follows asked, or a 4xx naming the cap that refuses them and what to do. A
 * full mesh is a conflict with its state (409); too many follows for one subscriber is the request's
 * own fault (422 naming the field).
 */
export async function followAuthorsAndPhrases(store: FollowPorts, params: FollowParams): Promise<Follows> {
  try {
    return await store.follow(params.id, params.authors, params.track);
  } catch (error) {
    if (!(error instanceof FollowRefused)) throw error;
    if (error.limit === "subscribers")
      throw new Errors.MoleculerClientError(
        `this mesh has its most subscribers (MAX_SUBSCRIBERS = ${error.cap}); a subscriber who unfollows everything frees a place`,
        409,
        "SUBSCRIBER_LIMIT",
        { field: "id", limit: "MAX_SUBSCRIBERS", max: error.cap },
      );
    const field = params.authors.length > 0 ? "authors" : "track";
    throw new Errors.MoleculerClientError(
      `${field}: a subscriber follows at most ${error.cap} authors and phrases together (MAX_FOLLOWS_PER_SUBSCRIBER); ${params.id} follows ${error.held}`,
      422,
      "FOLLOW_LIMIT",
      { field, limit: "MAX_FOLLOWS_PER_SUBSCRIBER", max: error.cap, follows: error.held },
    );
  }
}

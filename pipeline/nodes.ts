import { redactUrl } from "../config/environment";
import { errorText } from "../core/error-text";

/** The order a cluster's `count` nodes are tried in: from node `first`, each once, round the list. */
export function nodeOrder(count: number, first: number): number[] {
  return Array.from({ length: count }, (_, i) => (first + i) % count);
}

/** A connection to one node of a cluster, and which node (its index in the list of URLs). */
export interface NodeConnection<T> {
  connection: T;
  node: number;
}

/**
 * Connects to the first of `urls` that answers, trying them in `nodeOrder` from `first`. When none
 * does, rejects with each node's failure (one node: its failure alone), credentials redacted.
 */
export async function firstThatAnswers<T>(
  urls: readonly string[],
  first: number,
  connect: (url: string) => Promise<T>,
): Promise<NodeConnection<T>> {
  const failures: string[] = [];
  for (const node of nodeOrder(urls.length, first)) {
    const url = urls[node] ?? "";
    try {
      return { connection: await connect(url), node };
    } catch (error) {
      failures.push(urls.length === 1 ? errorText(error) : `${redactUrl(url)}: ${errorText(error)}`);
    }
  }
  throw new Error(failures.length > 0 ? failures.join("; ") : "no node URL given");
}

/**
 * A message its handler refuses for good, for a reason of the message's own (a batch come back after
 * its run's de-duplication window): handling it again cannot succeed, so the consumer dead-letters it
 * at once, with the reason on the dead letter, instead of retrying it to the delivery limit.
 */
export class RefusedMessage extends Error {
  override readonly name = "RefusedMessage";

  constructor(readonly reason: string) {
    super(reason);
  }
}

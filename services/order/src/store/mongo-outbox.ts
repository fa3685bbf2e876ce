import type { OutboxEntry } from "../payments/outbox-entry.js";
import type { MongoOutboxPart } from "./mongo-outbox-part.js";

/**
 * The MongoDB order store's outbox: what the relay publishes and the reconciler puts back,
 * gathered from every collection that holds events (payments, sequenced refunds, and the old
 * adapter's `outbox`). An event lives in exactly one of them, so each change goes to all and
 * takes effect in one.
 */
export class MongoOutbox {
  constructor(private readonly parts: readonly MongoOutboxPart[]) {}

  async open(): Promise<void> {
    for (const part of this.parts) await part.open();
  }

  /**
   * Oldest first by ObjectId across the parts: exact within one process, to the second across
   * processes. The relay needs no stricter order: each event is published on its own subject
   * and deduplicated by its msg id.
   */
  async pending(limit: number): Promise<OutboxEntry[]> {
    if (limit <= 0) return [];
    const found = (await Promise.all(this.parts.map((part) => part.pending(limit)))).flat();
    // Equal-length hex strings of big-endian ObjectIds sort as the ids do.
    found.sort((a, b) => a.id.toHexString().localeCompare(b.id.toHexString()));
    return found.slice(0, limit).map((event) => event.entry);
  }

  async countPending(): Promise<number> {
    const counts = await Promise.all(this.parts.map((part) => part.countPending()));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async markPublished(msgIds: readonly string[]): Promise<void> {
    await Promise.all(this.parts.map((part) => part.markPublished(msgIds)));
  }

  async markDelivered(msgId: string): Promise<boolean> {
    return (await Promise.all(this.parts.map((part) => part.markDelivered(msgId)))).includes(true);
  }

  async markGivenUp(msgId: string, reason: string): Promise<boolean> {
    return (await Promise.all(this.parts.map((part) => part.markGivenUp(msgId, reason)))).includes(true);
  }

  async requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const found = (await Promise.all(this.parts.map((part) => part.undelivered(publishedBefore, limit)))).flat();
    found.sort((a, b) => a.publishedAt.getTime() - b.publishedAt.getTime());
    const ids = found.slice(0, limit).map((event) => event.msgId);
    await Promise.all(this.parts.map((part) => part.requeue(ids)));
    return ids;
  }
}

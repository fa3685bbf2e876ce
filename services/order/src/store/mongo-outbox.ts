import { Binary, ObjectId, type ClientSession, type Collection } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import type { OutboxDoc } from "./mongo-order-documents.js";

/** The outbox collection of the MongoDB order store: what the relay publishes and the reconciler puts back. */
export class MongoOutbox {
  constructor(private readonly outbox: Collection<OutboxDoc>) {}

  /** A no-op when the indexes exist with the same spec. */
  async open(): Promise<void> {
    await this.outbox.createIndexes([
      { key: { msg_id: 1 }, name: "msg_id_unique", unique: true },
      { key: { published_at: 1, _id: 1 }, name: "pending" },
    ]);
    // Events from before reconciliation count as delivered (idempotent: only where the field
    // is missing), so an upgrade does not republish the whole history.
    await this.outbox.updateMany({ delivered_at: { $exists: false }, published_at: { $ne: null } }, { $set: { delivered_at: new Date() } });
  }

  /** Only inside the transaction that writes the event's cause. */
  async queue(session: ClientSession, event: OutboxEntry): Promise<void> {
    await this.outbox.insertOne(
      {
        _id: new ObjectId(),
        msg_id: event.msgId,
        subject: event.subject,
        payload: new Binary(event.payload),
        traceparent: event.traceparent,
        published_at: null,
        delivered_at: null,
      },
      { session },
    );
  }

  /**
   * Oldest first by ObjectId: exact within one process, to the second across processes. The
   * relay needs no stricter order: each event is published on its own subject and deduplicated
   * by its msg id.
   */
  async pending(limit: number): Promise<OutboxEntry[]> {
    // MongoDB reads limit 0 as "no limit".
    if (limit <= 0) return [];
    const docs = await this.outbox.find({ published_at: null }).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map((doc) => ({
      msgId: doc.msg_id,
      subject: doc.subject,
      // A copy into a plain Uint8Array: the driver hands back a Buffer view of its own memory.
      payload: new Uint8Array(doc.payload.value()),
      traceparent: doc.traceparent,
    }));
  }

  async countPending(): Promise<number> {
    return this.outbox.countDocuments({ published_at: null });
  }

  async markPublished(msgIds: readonly string[]): Promise<void> {
    if (msgIds.length === 0) return;
    await this.outbox.updateMany({ msg_id: { $in: [...msgIds] }, published_at: null }, { $set: { published_at: new Date() } });
  }

  async markDelivered(msgId: string): Promise<boolean> {
    // The first report stands; a later one finds it set and changes nothing.
    const marked = await this.outbox.updateOne({ msg_id: msgId, delivered_at: null }, { $set: { delivered_at: new Date() } });
    return marked.matchedCount > 0 || (await this.outbox.countDocuments({ msg_id: msgId }, { limit: 1 })) > 0;
  }

  async markGivenUp(msgId: string, reason: string): Promise<boolean> {
    // The first report stands; null matches a field that is absent too.
    const marked = await this.outbox.updateOne(
      { msg_id: msgId, given_up_at: null },
      { $set: { given_up_at: new Date(), given_up_reason: reason } },
    );
    return marked.matchedCount > 0 || (await this.outbox.countDocuments({ msg_id: msgId }, { limit: 1 })) > 0;
  }

  async requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const docs = await this.outbox
      .find({ delivered_at: null, given_up_at: null, published_at: { $ne: null, $lt: publishedBefore } })
      .sort({ published_at: 1 })
      .limit(limit)
      .toArray();
    const ids = docs.map((doc) => doc.msg_id);
    if (ids.length > 0) {
      await this.outbox.updateMany({ msg_id: { $in: ids }, delivered_at: null }, { $set: { published_at: null } });
    }
    return ids;
  }
}

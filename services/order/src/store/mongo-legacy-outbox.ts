import type { Binary, Collection, ObjectId } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import { toOutboxEntry } from "./mongo-event-doc.js";
import type { MongoOutboxPart } from "./mongo-outbox-part.js";
import { ensureIndexes } from "@invoicing/service-kit/storage";

/** An event as the old, transactional adapter queued it: one document per event. */
export interface LegacyOutboxDoc {
  _id: ObjectId;
  msg_id: string;
  subject: string;
  payload: Binary;
  traceparent: string;
  published_at: Date | null;
  /** Set from the notifier's DocumentDelivered; absent on events written before reconciliation. */
  delivered_at?: Date | null;
  given_up_at?: Date | null;
  given_up_reason?: string;
}

/**
 * The old adapter's `outbox` collection, still read and updated, never written to by this
 * adapter: its events (and those of old workers still running during an upgrade) are
 * published, reconciled and reported on like the new ones. Nothing is moved, so no migration
 * can race an old worker.
 */
export class MongoLegacyOutbox implements MongoOutboxPart {
  constructor(private readonly outbox: Collection<LegacyOutboxDoc>) {}

  async open(): Promise<void> {
    await ensureIndexes(this.outbox, [
      { key: { msg_id: 1 }, name: "msg_id_unique", unique: true },
      { key: { published_at: 1, _id: 1 }, name: "pending" },
    ]);
    // Events from before reconciliation count as delivered (idempotent: only where the field
    // is missing), so an upgrade does not republish the whole history.
    await this.outbox.updateMany({ delivered_at: { $exists: false }, published_at: { $ne: null } }, { $set: { delivered_at: new Date() } });
  }

  async pending(limit: number): Promise<Array<{ id: ObjectId; entry: OutboxEntry }>> {
    if (limit <= 0) return [];
    const docs = await this.outbox.find({ published_at: null }).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map((doc) => ({ id: doc._id, entry: toOutboxEntry(doc) }));
  }

  countPending(): Promise<number> {
    return this.outbox.countDocuments({ published_at: null });
  }

  async markPublished(msgIds: readonly string[]): Promise<void> {
    if (msgIds.length === 0) return;
    await this.outbox.updateMany({ msg_id: { $in: [...msgIds] }, published_at: null }, { $set: { published_at: new Date() } });
  }

  async markDelivered(msgId: string): Promise<boolean> {
    const marked = await this.outbox.updateOne({ msg_id: msgId, delivered_at: null }, { $set: { delivered_at: new Date() } });
    return marked.matchedCount > 0 || (await this.outbox.countDocuments({ msg_id: msgId }, { limit: 1 })) > 0;
  }

  async markGivenUp(msgId: string, reason: string): Promise<boolean> {
    // Null matches a field that is absent too.
    const marked = await this.outbox.updateOne(
      { msg_id: msgId, given_up_at: null },
      { $set: { given_up_at: new Date(), given_up_reason: reason } },
    );
    return marked.matchedCount > 0 || (await this.outbox.countDocuments({ msg_id: msgId }, { limit: 1 })) > 0;
  }

  async undelivered(publishedBefore: Date, limit: number): Promise<Array<{ msgId: string; publishedAt: Date }>> {
    if (limit <= 0) return [];
    const docs = await this.outbox
      .find({ delivered_at: null, given_up_at: null, published_at: { $ne: null, $lt: publishedBefore } })
      .sort({ published_at: 1 })
      .limit(limit)
      .toArray();
    return docs.flatMap((doc) => (doc.published_at ? [{ msgId: doc.msg_id, publishedAt: doc.published_at }] : []));
  }

  async requeue(msgIds: readonly string[]): Promise<void> {
    if (msgIds.length === 0) return;
    await this.outbox.updateMany({ msg_id: { $in: [...msgIds] }, delivered_at: null }, { $set: { published_at: null } });
  }
}

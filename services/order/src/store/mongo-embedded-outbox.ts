import type { Collection, ObjectId } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import { type EventDoc, toOutboxEntry } from "./mongo-event-doc.js";
import type { MongoOutboxPart } from "./mongo-outbox-part.js";
import { ensureIndexes } from "@invoicing/service-kit/storage";

/** A document that may hold an outbox event; the old adapter's payments hold none. */
export interface EventHolder {
  _id?: ObjectId;
  event?: EventDoc;
}

/**
 * The events held inside payment or refund documents. Every change is a `$set` on the event's
 * own document, filtered on the state it changes from, so on MongoDB two racing changes of one
 * event apply one after the other and the first delivery or give-up report stands.
 */
export class MongoEmbeddedOutbox implements MongoOutboxPart {
  constructor(private readonly holders: Collection<EventHolder>) {}

  async open(): Promise<void> {
    await ensureIndexes(this.holders, [
      { key: { "event.pending": 1, _id: 1 }, name: "event_pending" },
      { key: { "event.msg_id": 1 }, name: "event_msg_id" },
      { key: { "event.delivered_at": 1, "event.published_at": 1 }, name: "event_undelivered" },
    ]);
  }

  async pending(limit: number): Promise<Array<{ id: ObjectId; entry: OutboxEntry }>> {
    // MongoDB reads limit 0 as "no limit".
    if (limit <= 0) return [];
    const docs = await this.holders
      .find({ "event.pending": true }, { projection: { _id: 1, event: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.flatMap((doc) => (doc._id && doc.event ? [{ id: doc._id, entry: toOutboxEntry(doc.event) }] : []));
  }

  countPending(): Promise<number> {
    return this.holders.countDocuments({ "event.pending": true });
  }

  async markPublished(msgIds: readonly string[]): Promise<void> {
    if (msgIds.length === 0) return;
    await this.holders.updateMany(
      { "event.msg_id": { $in: [...msgIds] }, "event.pending": true },
      { $set: { "event.pending": false, "event.published_at": new Date() } },
    );
  }

  async markDelivered(msgId: string): Promise<boolean> {
    const marked = await this.holders.updateOne(
      { "event.msg_id": msgId, "event.delivered_at": null },
      { $set: { "event.delivered_at": new Date() } },
    );
    return marked.matchedCount > 0 || (await this.#holds(msgId));
  }

  async markGivenUp(msgId: string, reason: string): Promise<boolean> {
    const marked = await this.holders.updateOne(
      { "event.msg_id": msgId, "event.given_up_at": null },
      { $set: { "event.given_up_at": new Date(), "event.given_up_reason": reason } },
    );
    return marked.matchedCount > 0 || (await this.#holds(msgId));
  }

  async #holds(msgId: string): Promise<boolean> {
    return (await this.holders.countDocuments({ "event.msg_id": msgId }, { limit: 1 })) > 0;
  }

  async undelivered(publishedBefore: Date, limit: number): Promise<Array<{ msgId: string; publishedAt: Date }>> {
    if (limit <= 0) return [];
    const docs = await this.holders
      .find(
        { "event.delivered_at": null, "event.given_up_at": null, "event.published_at": { $ne: null, $lt: publishedBefore } },
        { projection: { event: 1 } },
      )
      .sort({ "event.published_at": 1 })
      .limit(limit)
      .toArray();
    return docs.flatMap((doc) => (doc.event?.published_at ? [{ msgId: doc.event.msg_id, publishedAt: doc.event.published_at }] : []));
  }

  async requeue(msgIds: readonly string[]): Promise<void> {
    if (msgIds.length === 0) return;
    await this.holders.updateMany(
      { "event.msg_id": { $in: [...msgIds] }, "event.delivered_at": null, "event.given_up_at": null },
      { $set: { "event.pending": true, "event.published_at": null } },
    );
  }
}

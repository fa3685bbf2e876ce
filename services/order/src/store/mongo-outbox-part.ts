import type { ObjectId } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";

/**
 * One collection that holds outbox events: payments and sequenced refunds hold theirs inside,
 * the old adapter's `outbox` collection one per document. MongoOutbox asks each in turn.
 */
export interface MongoOutboxPart {
  /** Creates the indexes; a no-op when they exist with the same spec. */
  open(): Promise<void>;
  /** Oldest first by the holding document's ObjectId. */
  pending(limit: number): Promise<Array<{ id: ObjectId; entry: OutboxEntry }>>;
  countPending(): Promise<number>;
  markPublished(msgIds: readonly string[]): Promise<void>;
  /** False when no event of this part has the id. */
  markDelivered(msgId: string): Promise<boolean>;
  markGivenUp(msgId: string, reason: string): Promise<boolean>;
  /** Published before `publishedBefore`, neither delivered nor given up on; oldest published first. */
  undelivered(publishedBefore: Date, limit: number): Promise<Array<{ msgId: string; publishedAt: Date }>>;
  /** Makes those of `msgIds` it holds pending again, unless delivered or given up on meanwhile. */
  requeue(msgIds: readonly string[]): Promise<void>;
}

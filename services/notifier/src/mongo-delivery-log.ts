import { isDuplicateKeyError } from "@invoicing/service-kit/mongo-connection";
import type { Collection, Db, MongoClient } from "mongodb";
import type { Delivery, DeliveryLog } from "./delivery-log.js";

interface DeliveryDoc {
  /** The invoice id: the primary key makes a second record for one invoice fail, keeping the first. */
  _id: string;
  channel: string;
  reference: string;
  delivered_at: Date;
}

export class MongoDeliveryLog implements DeliveryLog {
  readonly #client: MongoClient;
  readonly #deliveries: Collection<DeliveryDoc>;

  private constructor(db: Db) {
    this.#client = db.client;
    this.#deliveries = db.collection<DeliveryDoc>("deliveries");
  }

  /** Needs no index of its own: _id is the key, and MongoDB indexes it always. */
  static async open(db: Db): Promise<MongoDeliveryLog> {
    return new MongoDeliveryLog(db);
  }

  async get(invoiceId: string): Promise<Delivery | undefined> {
    const doc = await this.#deliveries.findOne({ _id: invoiceId });
    if (!doc) return undefined;
    return { invoiceId: doc._id, channel: doc.channel, reference: doc.reference, deliveredAt: doc.delivered_at };
  }

  async record(delivery: Delivery): Promise<void> {
    try {
      await this.#deliveries.insertOne({
        _id: delivery.invoiceId,
        channel: delivery.channel,
        reference: delivery.reference,
        delivered_at: delivery.deliveredAt,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The notifier opens a client for this log alone, so the log closes it. */
  async close(): Promise<void> {
    await this.#client.close();
  }
}

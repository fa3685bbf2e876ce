import { isDuplicateKeyError } from "@invoicing/service-kit/storage";
import type { Collection, Db, MongoClient } from "mongodb";
import type { Claim, Delivery, DeliveryLog } from "../delivery/delivery-log.js";

interface DeliveryDoc {
  /** The invoice id: the primary key makes a second record for one invoice fail, keeping the first. */
  _id: string;
  channel: string;
  reference: string;
  delivered_at: Date;
}

/** A delivery in progress: one document per invoice, so taking it is one atomic write. */
interface ClaimDoc {
  _id: string;
  holder: string;
  until: Date;
}

export class MongoDeliveryLog implements DeliveryLog {
  readonly #client: MongoClient;
  readonly #deliveries: Collection<DeliveryDoc>;
  readonly #claims: Collection<ClaimDoc>;

  private constructor(db: Db) {
    this.#client = db.client;
    this.#deliveries = db.collection<DeliveryDoc>("deliveries");
    this.#claims = db.collection<ClaimDoc>("delivery_claims");
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

  async claim(invoiceId: string, holder: string, now: Date, leaseMs: number): Promise<Claim> {
    const delivered = await this.get(invoiceId);
    if (delivered) return { state: "delivered", delivery: delivered };
    try {
      // Matches a claim that is ours or has run out; when none matches, the upsert inserts
      // under the invoice id, which fails with a duplicate key if another holder's live claim
      // is there. Either way one write on one document decides.
      await this.#claims.updateOne(
        { _id: invoiceId, $or: [{ holder }, { until: { $lte: now } }] },
        { $set: { holder, until: new Date(now.getTime() + leaseMs) } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const current = await this.#claims.findOne({ _id: invoiceId });
      if (current) return { state: "held", holder: current.holder, until: current.until };
      return this.claim(invoiceId, holder, now, leaseMs); // released meanwhile: try again
    }
    // Recorded between our look and our claim: the record stands.
    const recorded = await this.get(invoiceId);
    return recorded ? { state: "delivered", delivery: recorded } : { state: "claimed" };
  }

  async release(invoiceId: string, holder: string): Promise<void> {
    await this.#claims.deleteOne({ _id: invoiceId, holder });
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
    await this.#claims.deleteOne({ _id: delivery.invoiceId });
  }

  /** The notifier opens a client for this log alone, so the log closes it. */
  async close(): Promise<void> {
    await this.#client.close();
  }
}

import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { OrderSchema, OrderStatus, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { Binary, type Collection, type Db, type MongoClient, WriteConcern } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import type { OrderStore, PaymentState, PaymentWrite, RefundState, RefundWrite, StoreDecision } from "../payments/order-store.js";
import type { PaymentRecord } from "../payments/payment-record.js";
import type { RefundRecord } from "../payments/refund-record.js";
import { decideByInsert } from "./mongo-decision-insert.js";
import { MongoEmbeddedOutbox, type EventHolder } from "./mongo-embedded-outbox.js";
import { MongoLegacyOutbox, type LegacyOutboxDoc } from "./mongo-legacy-outbox.js";
import {
  orderDoc,
  paymentDoc,
  refundDoc,
  toPayment,
  toRefund,
  type LegacyRefundDoc,
  type OrderDoc,
  type PaymentDoc,
  type SequencedRefundDoc,
} from "./mongo-order-documents.js";
import { createOrderIndexes } from "./mongo-order-indexes.js";
import { MongoOutbox } from "./mongo-outbox.js";

/** A payment or refund acknowledged to the caller survives a primary failover. */
const majority = { writeConcern: new WriteConcern("majority") };

/**
 * The production order store. Each payment and each refund is one inserted document holding
 * its outbox event, under unique indexes: no transaction, no session, so it runs alike on a
 * standalone mongod, a replica set and MongoDB-wire servers.
 */
export class MongoOrderStore implements OrderStore {
  readonly #client: MongoClient;
  readonly #orders: Collection<OrderDoc>;
  readonly #payments: Collection<PaymentDoc>;
  readonly #legacyRefunds: Collection<LegacyRefundDoc>;
  readonly #refunds: Collection<SequencedRefundDoc>;
  readonly #outbox: MongoOutbox;

  private constructor(db: Db) {
    this.#client = db.client;
    this.#orders = db.collection<OrderDoc>("orders");
    this.#payments = db.collection<PaymentDoc>("payments");
    this.#legacyRefunds = db.collection<LegacyRefundDoc>("refunds");
    this.#refunds = db.collection<SequencedRefundDoc>("sequenced_refunds");
    this.#outbox = new MongoOutbox([
      new MongoEmbeddedOutbox(db.collection<EventHolder>("payments")),
      new MongoEmbeddedOutbox(db.collection<EventHolder>("sequenced_refunds")),
      new MongoLegacyOutbox(db.collection<LegacyOutboxDoc>("outbox")),
    ]);
  }

  /**
   * Creates the indexes (a no-op when they exist with the same spec). Data of the old,
   * transactional adapter is read in its own shape and never rewritten, so opening is safe
   * while old workers still run.
   */
  static async open(db: Db): Promise<MongoOrderStore> {
    const store = new MongoOrderStore(db);
    await createOrderIndexes(db);
    await store.#outbox.open();
    return store;
  }

  async createOrder(order: Order): Promise<void> {
    await this.#orders.insertOne(orderDoc(order), majority);
  }

  /**
   * The payment document is the truth of whether an order is paid; the order document's status
   * is a copy, set by an idempotent update after the payment's insert (see completePayment). A
   * crash between the two leaves the copy behind, so an order not marked paid is answered with
   * the paid order its payment recorded, if one did. Documents of the old adapter carry no paid
   * order: their order was marked in the same transaction, so it never needs one.
   */
  async getOrder(orderId: string): Promise<Order | undefined> {
    const doc = await this.#orders.findOne({ order_id: orderId });
    if (!doc) return undefined;
    const order = fromBinary(OrderSchema, doc.order_pb.value());
    if (doc.status === OrderStatus.PAID) return order;
    const payment = await this.#payments.findOne({ order_id: orderId }, { projection: { paid_order_pb: 1 } });
    if (!payment?.paid_order_pb) return order;
    return fromBinary(OrderSchema, payment.paid_order_pb.value());
  }

  async getPayment(paymentId: string): Promise<PaymentRecord | undefined> {
    return this.#payment({ payment_id: paymentId });
  }

  /**
   * Exactly one payment per order: the winner's insert goes in, any other hits the unique
   * order_id (or payment_id) index and is decided again on what the winner wrote (duplicate,
   * payment-id-taken or order-already-paid). The payment and its event are one document, so
   * neither is ever written without the other.
   */
  async completePayment<Answer>(
    paymentId: string,
    orderId: string,
    decide: (state: PaymentState) => StoreDecision<Answer, PaymentWrite>,
  ): Promise<Answer> {
    return decideByInsert(
      async () => ({
        samePayment: await this.#payment({ payment_id: paymentId }),
        order: await this.getOrder(orderId),
        orderPayment: await this.#payment({ order_id: orderId }),
      }),
      decide,
      (write) => this.#writePayment(write),
    );
  }

  async #writePayment({ payment, paidOrder, event }: PaymentWrite): Promise<void> {
    await this.#payments.insertOne(paymentDoc(payment, paidOrder, event), majority);
    // The copy for queries and people. Idempotent, and harmless if it never happens (getOrder
    // reads the payment), so it needs no atomicity with the insert.
    await this.#orders.updateOne(
      { order_id: paidOrder.orderId },
      { $set: { status: paidOrder.status, order_pb: new Binary(toBinary(OrderSchema, paidOrder)) } },
      majority,
    );
  }

  async getRefund(refundId: string): Promise<RefundRecord | undefined> {
    return this.#refund(refundId);
  }

  async #refund(refundId: string): Promise<RefundRecord | undefined> {
    const doc = (await this.#refunds.findOne({ refund_id: refundId })) ?? (await this.#legacyRefunds.findOne({ refund_id: refundId }));
    return doc ? toRefund(doc) : undefined;
  }

  /**
   * A refund is inserted with sequence = 1 + the number of the payment's sequenced refunds its
   * decision saw, under a unique (payment_id, sequence). By induction a payment's sequences are
   * always exactly 1..m: an insert of k + 1 after seeing k refunds goes in only when k + 1 is
   * free, that is when m = k, and since the k it saw all exist, it saw every one of them. So a
   * refund recorded was decided against every earlier refund, and of two racing refunds that
   * saw the same earlier ones the second hits the index, reads again and is decided again
   * (recorded, or refused as taking back more than was paid). A repeat of a refund id racing
   * its first call hits refund_id_unique and gets the first call's answer the same way.
   * Refunds of the old adapter count as earlier refunds; they get no sequence, being written no
   * more once old workers are gone (during an upgrade an old and a new worker refunding one
   * payment at once are not kept apart: stop refunds or old workers for that window).
   */
  async recordRefund<Answer>(
    refundId: string,
    paymentId: string,
    decide: (state: RefundState) => StoreDecision<Answer, RefundWrite>,
  ): Promise<Answer> {
    return decideByInsert(
      () => this.#refundState(refundId, paymentId),
      ({ state }) => decide(state),
      (write, { sequenced }) => this.#writeRefund(write, sequenced + 1),
    );
  }

  async #refundState(refundId: string, paymentId: string): Promise<{ state: RefundState; sequenced: number }> {
    const sameRefund = await this.#refund(refundId);
    const payment = await this.#payment({ payment_id: paymentId });
    if (!payment) return { state: { sameRefund, payment, order: undefined, earlier: [] }, sequenced: 0 };
    const order = await this.getOrder(payment.orderId);
    if (!order) throw new Error(`order ${payment.orderId} of payment ${paymentId} is missing`);
    const legacy = await this.#legacyRefunds.find({ payment_id: paymentId }).sort({ refunded_at: 1 }).toArray();
    const sequenced = await this.#refunds.find({ payment_id: paymentId }).sort({ sequence: 1 }).toArray();
    // A read that is not a snapshot may in principle return a document twice; the count must
    // be of distinct refunds for the sequence argument above.
    const distinct = [...new Map(sequenced.map((doc) => [doc.refund_id, doc])).values()];
    const earlier = [...legacy, ...distinct].map(toRefund);
    return { state: { sameRefund, payment, order, earlier }, sequenced: distinct.length };
  }

  async #writeRefund({ refund, event }: RefundWrite, sequence: number): Promise<void> {
    await this.#refunds.insertOne(refundDoc(refund, sequence, event), majority);
  }

  async #payment(filter: Pick<PaymentDoc, "payment_id"> | Pick<PaymentDoc, "order_id">) {
    const doc = await this.#payments.findOne(filter);
    return doc ? toPayment(doc) : undefined;
  }

  pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    return this.#outbox.pending(limit);
  }

  countPendingOutbox(): Promise<number> {
    return this.#outbox.countPending();
  }

  markPublished(msgIds: readonly string[]): Promise<void> {
    return this.#outbox.markPublished(msgIds);
  }

  markDelivered(msgId: string): Promise<boolean> {
    return this.#outbox.markDelivered(msgId);
  }

  markGivenUp(msgId: string, reason: string): Promise<boolean> {
    return this.#outbox.markGivenUp(msgId, reason);
  }

  requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]> {
    return this.#outbox.requeueUndelivered(publishedBefore, limit);
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { OrderSchema, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { Binary, type ClientSession, type Collection, type Db, type MongoClient } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import type { OrderStore, PaymentState, PaymentWrite, RefundState, RefundWrite, StoreDecision } from "../payments/order-store.js";
import type { PaymentRecord } from "../payments/payment-record.js";
import type { RefundRecord } from "../payments/refund-record.js";
import {
  orderDoc,
  paymentDoc,
  refundDoc,
  toPayment,
  toRefund,
  type OrderDoc,
  type OutboxDoc,
  type PaymentDoc,
  type RefundDoc,
} from "./mongo-order-documents.js";
import { decideInTransaction } from "./mongo-decision-transaction.js";
import { createOrderIndexes } from "./mongo-order-indexes.js";
import { MongoOutbox } from "./mongo-outbox.js";

/** The production order store: each payment and refund is one MongoDB transaction, with unique indexes behind it. */
export class MongoOrderStore implements OrderStore {
  readonly #client: MongoClient;
  readonly #orders: Collection<OrderDoc>;
  readonly #payments: Collection<PaymentDoc>;
  readonly #refunds: Collection<RefundDoc>;
  readonly #outbox: MongoOutbox;

  private constructor(db: Db) {
    this.#client = db.client;
    this.#orders = db.collection<OrderDoc>("orders");
    this.#payments = db.collection<PaymentDoc>("payments");
    this.#refunds = db.collection<RefundDoc>("refunds");
    this.#outbox = new MongoOutbox(db.collection<OutboxDoc>("outbox"));
  }

  /**
   * Creates the indexes (a no-op when they exist with the same spec). This also creates the
   * collections, which servers before 4.4 refuse to do inside a transaction.
   */
  static async open(db: Db): Promise<MongoOrderStore> {
    const store = new MongoOrderStore(db);
    await createOrderIndexes(db);
    await store.#outbox.open();
    return store;
  }

  async createOrder(order: Order): Promise<void> {
    await this.#orders.insertOne(orderDoc(order));
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    return this.#order(orderId);
  }

  async #order(orderId: string, session?: ClientSession): Promise<Order | undefined> {
    const doc = await this.#orders.findOne({ order_id: orderId }, { session });
    return doc ? fromBinary(OrderSchema, doc.order_pb.value()) : undefined;
  }

  async getPayment(paymentId: string): Promise<PaymentRecord | undefined> {
    return this.#payment({ payment_id: paymentId });
  }

  async completePayment<Answer>(
    paymentId: string,
    orderId: string,
    decide: (state: PaymentState) => StoreDecision<Answer, PaymentWrite>,
  ): Promise<Answer> {
    return decideInTransaction(
      this.#client,
      {
        read: (session) => this.#paymentState(paymentId, orderId, session),
        write: (session, write) => this.#writePayment(session, write),
        readAfterRace: () => this.#paymentState(paymentId, orderId),
      },
      decide,
    );
  }

  async #paymentState(paymentId: string, orderId: string, session?: ClientSession): Promise<PaymentState> {
    return {
      samePayment: await this.#payment({ payment_id: paymentId }, session),
      order: await this.#order(orderId, session),
      orderPayment: await this.#payment({ order_id: orderId }, session),
    };
  }

  async #writePayment(session: ClientSession, { payment, paidOrder, event }: PaymentWrite): Promise<void> {
    await this.#orders.updateOne(
      { order_id: paidOrder.orderId },
      { $set: { status: paidOrder.status, order_pb: new Binary(toBinary(OrderSchema, paidOrder)) } },
      { session },
    );
    await this.#payments.insertOne(paymentDoc(payment), { session });
    await this.#outbox.queue(session, event);
  }

  async getRefund(refundId: string): Promise<RefundRecord | undefined> {
    return this.#refund(refundId);
  }

  async #refund(refundId: string, session?: ClientSession): Promise<RefundRecord | undefined> {
    const doc = await this.#refunds.findOne({ refund_id: refundId }, { session });
    return doc ? toRefund(doc) : undefined;
  }

  /**
   * Two racing refunds of one payment both read the payment document and both write it (the
   * touch in #refundState), so MongoDB aborts one with a write conflict and withTransaction
   * reruns it: its decision then sees the other refund.
   */
  async recordRefund<Answer>(
    refundId: string,
    paymentId: string,
    decide: (state: RefundState) => StoreDecision<Answer, RefundWrite>,
  ): Promise<Answer> {
    return decideInTransaction(
      this.#client,
      {
        read: (session) => this.#refundState(refundId, paymentId, session),
        write: (session, write) => this.#writeRefund(session, write),
        // Only a refund under the same id can have won: the answer is the repeat's.
        readAfterRace: async () => {
          const sameRefund = await this.#refund(refundId);
          return sameRefund && { sameRefund, payment: undefined, order: undefined, earlier: [] };
        },
      },
      decide,
    );
  }

  async #refundState(refundId: string, paymentId: string, session: ClientSession): Promise<RefundState> {
    const sameRefund = await this.#refund(refundId, session);
    const payment = await this.#payment({ payment_id: paymentId }, session);
    if (!payment) return { sameRefund, payment, order: undefined, earlier: [] };
    const order = await this.#order(payment.orderId, session);
    if (!order) throw new Error(`order ${payment.orderId} of payment ${paymentId} is missing`);
    // Serialises refunds of one payment (see recordRefund), before the earlier refunds are read.
    // A refund id seen before can only be answered from its record, so it takes no part.
    if (!sameRefund) await this.#payments.updateOne({ payment_id: paymentId }, { $inc: { refund_count: 1 } }, { session });
    const earlier = await this.#refunds.find({ payment_id: paymentId }, { session }).sort({ refunded_at: 1 }).toArray();
    return { sameRefund, payment, order, earlier: earlier.map(toRefund) };
  }

  async #writeRefund(session: ClientSession, { refund, event }: RefundWrite): Promise<void> {
    await this.#refunds.insertOne(refundDoc(refund), { session });
    await this.#outbox.queue(session, event);
  }

  async #payment(filter: Pick<PaymentDoc, "payment_id"> | Pick<PaymentDoc, "order_id">, session?: ClientSession) {
    const doc = await this.#payments.findOne(filter, { session });
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

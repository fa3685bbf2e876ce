import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  OrderSchema,
  OrderStatus,
  type Order,
} from "@invoicing/contracts/invoicing/order/v1/order_pb";
import {
  fromInt64,
  isDuplicateKeyError,
  toInt64,
  transactionOptions,
} from "@invoicing/service-kit/mongo-connection";
import {
  Binary,
  ObjectId,
  type ClientSession,
  type Collection,
  type Db,
  type Long,
  type MongoClient,
} from "mongodb";
import type {
  CompletePaymentResult,
  OrderStore,
  OutboxEntry,
  PaymentRecord,
  RecordRefundResult,
  RefundContext,
  RefundRecord,
} from "../payments/order-store.js";

interface OrderDoc {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  total: Long;
  /** The record itself; the fields above are copies for queries and for people reading the data. */
  order_pb: Binary;
}

interface PaymentDoc {
  payment_id: string;
  /** Bumped by every refund, so racing refunds of one payment conflict (see recordRefund). */
  refund_count?: number;
  order_id: string;
  amount: Long;
  method: number;
  trace_id: string;
  completed_at: Date;
}

interface RefundDoc {
  refund_id: string;
  payment_id: string;
  order_id: string;
  lines: Array<{ item_index: number; quantity: Long }>;
  amount: Long;
  reason: string;
  trace_id: string;
  refunded_at: Date;
}

const toRefund = (doc: RefundDoc): RefundRecord => ({
  refundId: doc.refund_id,
  paymentId: doc.payment_id,
  orderId: doc.order_id,
  lines: doc.lines.map((line) => ({ itemIndex: line.item_index, quantity: fromInt64(line.quantity) })),
  amount: fromInt64(doc.amount),
  reason: doc.reason,
  traceId: doc.trace_id,
  refundedAt: doc.refunded_at,
});

interface OutboxDoc {
  /** Made by the writer; its time + counter gives the insertion order within a process. */
  _id: ObjectId;
  msg_id: string;
  subject: string;
  payload: Binary;
  traceparent: string;
  published_at: Date | null;
  /** Set from the notifier's DocumentDelivered; absent on events written before reconciliation. */
  delivered_at?: Date | null;
  /** Set from a failure report (markGivenUp); absent on events no service gave up on. */
  given_up_at?: Date | null;
  given_up_reason?: string;
}

const toPayment = (doc: PaymentDoc): PaymentRecord => ({
  paymentId: doc.payment_id,
  orderId: doc.order_id,
  amount: fromInt64(doc.amount),
  method: doc.method,
  traceId: doc.trace_id,
  completedAt: doc.completed_at,
});

const orderDoc = (order: Order): OrderDoc => ({
  order_id: order.orderId,
  customer_id: order.customer?.customerId ?? "",
  status: order.status,
  currency: order.currency,
  total: toInt64(order.total),
  order_pb: new Binary(toBinary(OrderSchema, order)),
});

export class MongoOrderStore implements OrderStore {
  readonly #client: MongoClient;
  readonly #orders: Collection<OrderDoc>;
  readonly #payments: Collection<PaymentDoc>;
  readonly #outbox: Collection<OutboxDoc>;
  readonly #refunds: Collection<RefundDoc>;

  private constructor(db: Db) {
    this.#client = db.client;
    this.#orders = db.collection<OrderDoc>("orders");
    this.#payments = db.collection<PaymentDoc>("payments");
    this.#outbox = db.collection<OutboxDoc>("outbox");
    this.#refunds = db.collection<RefundDoc>("refunds");
  }

  /**
   * Creates the indexes (a no-op when they exist with the same spec). This also creates the
   * collections, which servers before 4.4 refuse to do inside a transaction.
   */
  static async open(db: Db): Promise<MongoOrderStore> {
    const store = new MongoOrderStore(db);
    await store.#orders.createIndexes([
      { key: { order_id: 1 }, name: "order_id_unique", unique: true },
      { key: { customer_id: 1 }, name: "customer_id" },
    ]);
    await store.#payments.createIndexes([
      { key: { payment_id: 1 }, name: "payment_id_unique", unique: true },
      // An order is paid at most once, even if two payments race past the checks.
      { key: { order_id: 1 }, name: "order_id_unique", unique: true },
    ]);
    await store.#refunds.createIndexes([
      { key: { refund_id: 1 }, name: "refund_id_unique", unique: true },
      { key: { payment_id: 1, refunded_at: 1 }, name: "payment_id" },
    ]);
    await store.#outbox.createIndexes([
      { key: { msg_id: 1 }, name: "msg_id_unique", unique: true },
      { key: { published_at: 1, _id: 1 }, name: "pending" },
    ]);
    // Events from before reconciliation count as delivered (idempotent: only where the field
    // is missing), so an upgrade does not republish the whole history.
    await store.#outbox.updateMany(
      { delivered_at: { $exists: false }, published_at: { $ne: null } },
      { $set: { delivered_at: new Date() } },
    );
    return store;
  }

  async createOrder(order: Order): Promise<void> {
    await this.#orders.insertOne(orderDoc(order));
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    const doc = await this.#orders.findOne({ order_id: orderId });
    return doc ? fromBinary(OrderSchema, doc.order_pb.value()) : undefined;
  }

  async getPayment(paymentId: string): Promise<PaymentRecord | undefined> {
    const doc = await this.#payments.findOne({ payment_id: paymentId });
    return doc ? toPayment(doc) : undefined;
  }

  async completePayment(payment: PaymentRecord, event: OutboxEntry): Promise<CompletePaymentResult> {
    const session = this.#client.startSession();
    try {
      // withTransaction reruns this callback on a transient error (a write conflict with a
      // racing payment for the same order), so it keeps no state between runs and passes the
      // session to every operation.
      return await session.withTransaction((s) => this.#completeIn(s, payment, event), transactionOptions);
    } catch (error) {
      // A unique index caught a race the checks could not see: the transaction was aborted, so
      // nothing of this call was written. Report the winner, as the checks would have.
      if (!isDuplicateKeyError(error)) throw error;
      const same = await this.getPayment(payment.paymentId);
      if (same) return { outcome: "duplicate", payment: same };
      const paid = await this.#payments.findOne({ order_id: payment.orderId });
      if (paid) return { outcome: "order-already-paid", payment: toPayment(paid) };
      throw error;
    } finally {
      await session.endSession();
    }
  }

  async #completeIn(session: ClientSession, payment: PaymentRecord, event: OutboxEntry): Promise<CompletePaymentResult> {
    const seen = await this.#payments.findOne({ payment_id: payment.paymentId }, { session });
    if (seen) return { outcome: "duplicate", payment: toPayment(seen) };
    const doc = await this.#orders.findOne({ order_id: payment.orderId }, { session });
    if (!doc) return { outcome: "order-not-found" };
    const paid = await this.#payments.findOne({ order_id: payment.orderId }, { session });
    if (paid) return { outcome: "order-already-paid", payment: toPayment(paid) };

    const order = fromBinary(OrderSchema, doc.order_pb.value());
    order.status = OrderStatus.PAID;
    await this.#orders.updateOne(
      { order_id: order.orderId },
      { $set: { status: order.status, order_pb: new Binary(toBinary(OrderSchema, order)) } },
      { session },
    );
    await this.#payments.insertOne(
      {
        payment_id: payment.paymentId,
        order_id: payment.orderId,
        amount: toInt64(payment.amount),
        method: payment.method,
        trace_id: payment.traceId,
        completed_at: payment.completedAt,
      },
      { session },
    );
    await this.#queue(session, event);
    return { outcome: "recorded", payment };
  }

  async getRefund(refundId: string): Promise<RefundRecord | undefined> {
    const doc = await this.#refunds.findOne({ refund_id: refundId });
    return doc ? toRefund(doc) : undefined;
  }

  async recordRefund(
    refundId: string,
    paymentId: string,
    decide: (context: RefundContext) => { refund: RefundRecord; event: OutboxEntry },
  ): Promise<RecordRefundResult> {
    const session = this.#client.startSession();
    try {
      // Two racing refunds of one payment both read the payment document and both write it
      // (the touch below), so MongoDB aborts one with a write conflict and withTransaction
      // reruns it: its decision then sees the other refund. `decide` is pure, so a rerun is safe.
      return await session.withTransaction((s) => this.#refundIn(s, refundId, paymentId, decide), transactionOptions);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const same = await this.getRefund(refundId);
      if (same) return { outcome: "duplicate", refund: same };
      throw error;
    } finally {
      await session.endSession();
    }
  }

  async #refundIn(
    session: ClientSession,
    refundId: string,
    paymentId: string,
    decide: (context: RefundContext) => { refund: RefundRecord; event: OutboxEntry },
  ): Promise<RecordRefundResult> {
    const seen = await this.#refunds.findOne({ refund_id: refundId }, { session });
    if (seen) return { outcome: "duplicate", refund: toRefund(seen) };
    const payment = await this.#payments.findOne({ payment_id: paymentId }, { session });
    if (!payment) return { outcome: "payment-not-found" };
    const found = await this.#orders.findOne({ order_id: payment.order_id }, { session });
    if (!found) throw new Error(`order ${payment.order_id} of payment ${paymentId} is missing`);
    // Serialises refunds of one payment (see recordRefund).
    await this.#payments.updateOne({ payment_id: paymentId }, { $inc: { refund_count: 1 } }, { session });
    const earlier = await this.#refunds.find({ payment_id: paymentId }, { session }).sort({ refunded_at: 1 }).toArray();
    const { refund, event } = decide({
      order: fromBinary(OrderSchema, found.order_pb.value()),
      payment: toPayment(payment),
      earlier: earlier.map(toRefund),
    });
    await this.#refunds.insertOne(
      {
        refund_id: refund.refundId,
        payment_id: refund.paymentId,
        order_id: refund.orderId,
        lines: refund.lines.map((line) => ({ item_index: line.itemIndex, quantity: toInt64(line.quantity) })),
        amount: toInt64(refund.amount),
        reason: refund.reason,
        trace_id: refund.traceId,
        refunded_at: refund.refundedAt,
      },
      { session },
    );
    await this.#queue(session, event);
    return { outcome: "recorded", refund };
  }

  async #queue(session: ClientSession, event: OutboxEntry): Promise<void> {
    await this.#outbox.insertOne(
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
  async pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    // MongoDB reads limit 0 as "no limit".
    if (limit <= 0) return [];
    const docs = await this.#outbox
      .find({ published_at: null })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => ({
      msgId: doc.msg_id,
      subject: doc.subject,
      // A copy into a plain Uint8Array: the driver hands back a Buffer view of its own memory.
      payload: new Uint8Array(doc.payload.value()),
      traceparent: doc.traceparent,
    }));
  }

  async countPendingOutbox(): Promise<number> {
    return this.#outbox.countDocuments({ published_at: null });
  }

  async markPublished(msgIds: readonly string[]): Promise<void> {
    if (msgIds.length === 0) return;
    await this.#outbox.updateMany(
      { msg_id: { $in: [...msgIds] }, published_at: null },
      { $set: { published_at: new Date() } },
    );
  }

  async markDelivered(msgId: string): Promise<boolean> {
    // The first report stands; a later one finds it set and changes nothing.
    const marked = await this.#outbox.updateOne({ msg_id: msgId, delivered_at: null }, { $set: { delivered_at: new Date() } });
    return marked.matchedCount > 0 || (await this.#outbox.countDocuments({ msg_id: msgId }, { limit: 1 })) > 0;
  }

  async markGivenUp(msgId: string, reason: string): Promise<boolean> {
    // The first report stands; null matches a field that is absent too.
    const marked = await this.#outbox.updateOne({ msg_id: msgId, given_up_at: null }, { $set: { given_up_at: new Date(), given_up_reason: reason } });
    return marked.matchedCount > 0 || (await this.#outbox.countDocuments({ msg_id: msgId }, { limit: 1 })) > 0;
  }

  async requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const docs = await this.#outbox
      .find({ delivered_at: null, given_up_at: null, published_at: { $ne: null, $lt: publishedBefore } })
      .sort({ published_at: 1 })
      .limit(limit)
      .toArray();
    const ids = docs.map((doc) => doc.msg_id);
    if (ids.length > 0) {
      await this.#outbox.updateMany({ msg_id: { $in: ids }, delivered_at: null }, { $set: { published_at: null } });
    }
    return ids;
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

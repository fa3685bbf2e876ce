import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { OrderSchema, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { openSqlite, whileBusy, type SqliteDatabase } from "@invoicing/service-kit/storage";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import type { OrderStore, PaymentState, PaymentWrite, RefundState, RefundWrite, StoreDecision } from "../payments/order-store.js";
import type { PaymentRecord } from "../payments/payment-record.js";
import type { RefundRecord } from "../payments/refund-record.js";
import { toPayment, toRefund, type PaymentRow, type RefundRow } from "./sqlite-order-rows.js";
import { migrate, schema } from "./sqlite-order-schema.js";
import { SqliteOutbox } from "./sqlite-outbox.js";

/** The embedded order store: one SQLite file; each payment and refund is one IMMEDIATE transaction. */
export class SqliteOrderStore implements OrderStore {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;

  constructor(path: string) {
    this.#db = openSqlite(path, schema, migrate);
    this.#outbox = new SqliteOutbox(this.#db);
  }

  async createOrder(order: Order): Promise<void> {
    return whileBusy(() => {
      this.#db
        .prepare("INSERT INTO orders (order_id, status, order_pb) VALUES (?, ?, ?)")
        .run(order.orderId, order.status, toBinary(OrderSchema, order));
    });
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    return whileBusy(() => this.#order(orderId));
  }

  async getPayment(paymentId: string): Promise<PaymentRecord | undefined> {
    return whileBusy(() => this.#payment("payment_id", paymentId));
  }

  async completePayment<Answer>(
    paymentId: string,
    orderId: string,
    decide: (state: PaymentState) => StoreDecision<Answer, PaymentWrite>,
  ): Promise<Answer> {
    return whileBusy(() => {
      // IMMEDIATE takes the write lock first, so what `decide` read cannot change before commit.
      const run = this.#db.transaction((): Answer => {
        const { answer, write } = decide({
          samePayment: this.#payment("payment_id", paymentId),
          order: this.#order(orderId),
          orderPayment: this.#payment("order_id", orderId),
        });
        if (write) this.#writePayment(write);
        return answer;
      });
      return run.immediate();
    });
  }

  #writePayment({ payment, paidOrder, event }: PaymentWrite): void {
    this.#db
      .prepare("UPDATE orders SET status = ?, order_pb = ? WHERE order_id = ?")
      .run(paidOrder.status, toBinary(OrderSchema, paidOrder), paidOrder.orderId);
    this.#db
      .prepare("INSERT INTO payments (payment_id, order_id, amount, method, trace_id, completed_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(payment.paymentId, payment.orderId, payment.amount.toString(), payment.method, payment.traceId, payment.completedAt.getTime());
    this.#outbox.queue(event);
  }

  async getRefund(refundId: string): Promise<RefundRecord | undefined> {
    return whileBusy(() => this.#refund(refundId));
  }

  async recordRefund<Answer>(
    refundId: string,
    paymentId: string,
    decide: (state: RefundState) => StoreDecision<Answer, RefundWrite>,
  ): Promise<Answer> {
    return whileBusy(() => {
      // IMMEDIATE: the earlier refunds that `decide` checks against cannot change before commit.
      const run = this.#db.transaction((): Answer => {
        const payment = this.#payment("payment_id", paymentId);
        const order = payment && this.#order(payment.orderId);
        if (payment && !order) throw new Error(`order ${payment.orderId} of payment ${paymentId} is missing`);
        const earlier = (
          this.#db.prepare("SELECT * FROM refunds WHERE payment_id = ? ORDER BY refunded_at").all(paymentId) as RefundRow[]
        ).map(toRefund);
        const { answer, write } = decide({ sameRefund: this.#refund(refundId), payment, order, earlier });
        if (write) this.#writeRefund(write);
        return answer;
      });
      return run.immediate();
    });
  }

  #writeRefund({ refund, event }: RefundWrite): void {
    this.#db
      .prepare(
        `INSERT INTO refunds (refund_id, payment_id, order_id, lines, amount, reason, trace_id, refunded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        refund.refundId,
        refund.paymentId,
        refund.orderId,
        JSON.stringify(refund.lines.map((line) => [line.itemIndex, line.quantity.toString()])),
        refund.amount.toString(),
        refund.reason,
        refund.traceId,
        refund.refundedAt.getTime(),
      );
    this.#outbox.queue(event);
  }

  #order(orderId: string): Order | undefined {
    const row = this.#db.prepare("SELECT order_pb FROM orders WHERE order_id = ?").get(orderId) as { order_pb: Buffer } | undefined;
    return row && fromBinary(OrderSchema, row.order_pb);
  }

  #payment(by: "payment_id" | "order_id", id: string): PaymentRecord | undefined {
    const row = this.#db.prepare(`SELECT * FROM payments WHERE ${by} = ?`).get(id) as PaymentRow | undefined;
    return row && toPayment(row);
  }

  #refund(refundId: string): RefundRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM refunds WHERE refund_id = ?").get(refundId) as RefundRow | undefined;
    return row && toRefund(row);
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
    this.#db.close();
  }
}

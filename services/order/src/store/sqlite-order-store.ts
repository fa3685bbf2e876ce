import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  OrderSchema,
  OrderStatus,
  type Order,
} from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { openSqlite, whileBusy, type SqliteDatabase } from "@invoicing/service-kit/sqlite-database";
import type {
  CompletePaymentResult,
  OrderStore,
  OutboxEntry,
  PaymentRecord,
  RecordRefundResult,
  RefundContext,
  RefundRecord,
} from "../payments/order-store.js";

const schema = `
CREATE TABLE IF NOT EXISTS orders (
  order_id TEXT PRIMARY KEY,
  status INTEGER NOT NULL,
  order_pb BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
  payment_id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE REFERENCES orders(order_id),
  amount TEXT NOT NULL,
  method INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  completed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refunds (
  refund_id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL REFERENCES payments(payment_id),
  order_id TEXT NOT NULL,
  lines TEXT NOT NULL,
  amount TEXT NOT NULL,
  reason TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  refunded_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS refunds_by_payment ON refunds(payment_id, refunded_at);
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  msg_id TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  payload BLOB NOT NULL,
  traceparent TEXT NOT NULL,
  published_at INTEGER,
  delivered_at INTEGER,
  given_up_at INTEGER,
  given_up_reason TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(seq) WHERE published_at IS NULL;
CREATE INDEX IF NOT EXISTS outbox_undelivered ON outbox(published_at) WHERE delivered_at IS NULL AND published_at IS NOT NULL;
`;

const outboxColumns = (db: SqliteDatabase) =>
  (db.prepare("SELECT name FROM pragma_table_info('outbox')").all() as Array<{ name: string }>).map((c) => c.name);

/**
 * Brings an outbox written by an earlier version up to date by running `alter` once, unless
 * the outbox is new (the schema makes it whole) or has `column` already. Checked again inside
 * the write transaction: a competing process may have just added it.
 */
const addOutboxColumn = (db: SqliteDatabase, column: string, alter: string) => {
  const columns = outboxColumns(db);
  if (columns.length === 0 || columns.includes(column)) return;
  db.transaction(() => {
    if (!outboxColumns(db).includes(column)) db.exec(alter);
  }).immediate();
};

const migrate = (db: SqliteDatabase) => {
  // Stores from before reconciliation: what was already published counts as delivered (it was,
  // as far as anything then could tell), so an upgrade does not republish the whole history.
  addOutboxColumn(db, "delivered_at", "ALTER TABLE outbox ADD COLUMN delivered_at INTEGER; UPDATE outbox SET delivered_at = published_at");
  // Stores from before failure reports: nothing was given up on then.
  addOutboxColumn(db, "given_up_at", "ALTER TABLE outbox ADD COLUMN given_up_at INTEGER; ALTER TABLE outbox ADD COLUMN given_up_reason TEXT");
};

interface PaymentRow {
  payment_id: string;
  order_id: string;
  amount: string;
  method: number;
  trace_id: string;
  completed_at: number;
}

interface RefundRow {
  refund_id: string;
  payment_id: string;
  order_id: string;
  /** JSON [[itemIndex, "quantity"], ...]: quantities are int64, kept as strings. */
  lines: string;
  amount: string;
  reason: string;
  trace_id: string;
  refunded_at: number;
}

const toRefund = (row: RefundRow): RefundRecord => ({
  refundId: row.refund_id,
  paymentId: row.payment_id,
  orderId: row.order_id,
  lines: (JSON.parse(row.lines) as Array<[number, string]>).map(([itemIndex, quantity]) => ({
    itemIndex,
    quantity: BigInt(quantity),
  })),
  amount: BigInt(row.amount),
  reason: row.reason,
  traceId: row.trace_id,
  refundedAt: new Date(row.refunded_at),
});

const toPayment = (row: PaymentRow): PaymentRecord => ({
  paymentId: row.payment_id,
  orderId: row.order_id,
  amount: BigInt(row.amount),
  method: row.method,
  traceId: row.trace_id,
  completedAt: new Date(row.completed_at),
});

export class SqliteOrderStore implements OrderStore {
  readonly #db: SqliteDatabase;

  constructor(path: string) {
    this.#db = openSqlite(path, schema, migrate);
  }

  async createOrder(order: Order): Promise<void> {
    return whileBusy(() => {
      this.#db
        .prepare("INSERT INTO orders (order_id, status, order_pb) VALUES (?, ?, ?)")
        .run(order.orderId, order.status, toBinary(OrderSchema, order));
    });
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    return whileBusy(() => {
      const row = this.#db.prepare("SELECT order_pb FROM orders WHERE order_id = ?").get(orderId) as
        | { order_pb: Buffer }
        | undefined;
      return row && fromBinary(OrderSchema, row.order_pb);
    });
  }

  async getPayment(paymentId: string): Promise<PaymentRecord | undefined> {
    return whileBusy(() => {
      const row = this.#db.prepare("SELECT * FROM payments WHERE payment_id = ?").get(paymentId) as
        | PaymentRow
        | undefined;
      return row && toPayment(row);
    });
  }

  async completePayment(payment: PaymentRecord, event: OutboxEntry): Promise<CompletePaymentResult> {
    return whileBusy(() => {
      // IMMEDIATE takes the write lock first, so the checks below cannot race another process.
      const run = this.#db.transaction((): CompletePaymentResult => {
        const seen = this.#db.prepare("SELECT * FROM payments WHERE payment_id = ?").get(payment.paymentId) as
          | PaymentRow
          | undefined;
        if (seen) return { outcome: "duplicate", payment: toPayment(seen) };
        const orderRow = this.#db.prepare("SELECT order_pb FROM orders WHERE order_id = ?").get(payment.orderId) as
          | { order_pb: Buffer }
          | undefined;
        if (!orderRow) return { outcome: "order-not-found" };
        const paid = this.#db.prepare("SELECT * FROM payments WHERE order_id = ?").get(payment.orderId) as
          | PaymentRow
          | undefined;
        if (paid) return { outcome: "order-already-paid", payment: toPayment(paid) };
        const order = fromBinary(OrderSchema, orderRow.order_pb);
        order.status = OrderStatus.PAID;
        this.#db
          .prepare("UPDATE orders SET status = ?, order_pb = ? WHERE order_id = ?")
          .run(order.status, toBinary(OrderSchema, order), order.orderId);
        this.#db
          .prepare(
            "INSERT INTO payments (payment_id, order_id, amount, method, trace_id, completed_at) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .run(
            payment.paymentId,
            payment.orderId,
            payment.amount.toString(),
            payment.method,
            payment.traceId,
            payment.completedAt.getTime(),
          );
        this.#queue(event);
        return { outcome: "recorded", payment };
      });
      return run.immediate();
    });
  }

  async getRefund(refundId: string): Promise<RefundRecord | undefined> {
    return whileBusy(() => {
      const row = this.#db.prepare("SELECT * FROM refunds WHERE refund_id = ?").get(refundId) as RefundRow | undefined;
      return row && toRefund(row);
    });
  }

  async recordRefund(
    refundId: string,
    paymentId: string,
    decide: (context: RefundContext) => { refund: RefundRecord; event: OutboxEntry },
  ): Promise<RecordRefundResult> {
    return whileBusy(() => {
      // IMMEDIATE: the earlier refunds that `decide` checks against cannot change before commit.
      const run = this.#db.transaction((): RecordRefundResult => {
        const seen = this.#db.prepare("SELECT * FROM refunds WHERE refund_id = ?").get(refundId) as RefundRow | undefined;
        if (seen) return { outcome: "duplicate", refund: toRefund(seen) };
        const paymentRow = this.#db.prepare("SELECT * FROM payments WHERE payment_id = ?").get(paymentId) as
          | PaymentRow
          | undefined;
        if (!paymentRow) return { outcome: "payment-not-found" };
        const orderRow = this.#db.prepare("SELECT order_pb FROM orders WHERE order_id = ?").get(paymentRow.order_id) as {
          order_pb: Buffer;
        };
        const earlier = (
          this.#db.prepare("SELECT * FROM refunds WHERE payment_id = ? ORDER BY refunded_at").all(paymentId) as RefundRow[]
        ).map(toRefund);
        const { refund, event } = decide({
          order: fromBinary(OrderSchema, orderRow.order_pb),
          payment: toPayment(paymentRow),
          earlier,
        });
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
        this.#queue(event);
        return { outcome: "recorded", refund };
      });
      return run.immediate();
    });
  }

  async pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    return whileBusy(() => {
      const rows = this.#db
        .prepare(
          "SELECT msg_id, subject, payload, traceparent FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?",
        )
        .all(limit) as Array<{ msg_id: string; subject: string; payload: Buffer; traceparent: string }>;
      return rows.map((row) => ({
        msgId: row.msg_id,
        subject: row.subject,
        payload: new Uint8Array(row.payload),
        traceparent: row.traceparent,
      }));
    });
  }

  async countPendingOutbox(): Promise<number> {
    return whileBusy(() => {
      return (this.#db.prepare("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL").get() as { n: number }).n;
    });
  }

  async markPublished(msgIds: readonly string[]): Promise<void> {
    return whileBusy(() => {
      const mark = this.#db.prepare("UPDATE outbox SET published_at = ? WHERE msg_id = ?");
      const now = Date.now();
      this.#db.transaction(() => {
        for (const id of msgIds) mark.run(now, id);
      })();
    });
  }

  async markDelivered(msgId: string): Promise<boolean> {
    return whileBusy(() => {
      const marked = this.#db
        .prepare("UPDATE outbox SET delivered_at = coalesce(delivered_at, ?) WHERE msg_id = ?")
        .run(Date.now(), msgId);
      return marked.changes > 0;
    });
  }

  async markGivenUp(msgId: string, reason: string): Promise<boolean> {
    return whileBusy(() => {
      const known = this.#db.prepare("SELECT 1 FROM outbox WHERE msg_id = ?").get(msgId);
      if (!known) return false;
      this.#db
        .prepare("UPDATE outbox SET given_up_at = ?, given_up_reason = ? WHERE msg_id = ? AND given_up_at IS NULL")
        .run(Date.now(), reason, msgId);
      return true;
    });
  }

  async requeueUndelivered(publishedBefore: Date, limit: number): Promise<string[]> {
    return whileBusy(() => {
      const requeue = this.#db.transaction(() => {
        const rows = this.#db
          .prepare(
            `SELECT msg_id FROM outbox WHERE delivered_at IS NULL AND given_up_at IS NULL AND published_at IS NOT NULL AND published_at < ?
             ORDER BY published_at LIMIT ?`,
          )
          .all(publishedBefore.getTime(), limit) as Array<{ msg_id: string }>;
        const pending = this.#db.prepare("UPDATE outbox SET published_at = NULL WHERE msg_id = ?");
        for (const row of rows) pending.run(row.msg_id);
        return rows.map((row) => row.msg_id);
      });
      return requeue.immediate();
    });
  }

  /** Only inside the transaction that writes the event's cause. */
  #queue(event: OutboxEntry): void {
    this.#db
      .prepare("INSERT INTO outbox (msg_id, subject, payload, traceparent) VALUES (?, ?, ?, ?)")
      .run(event.msgId, event.subject, event.payload, event.traceparent);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

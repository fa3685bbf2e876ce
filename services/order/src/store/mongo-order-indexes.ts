import type { Db } from "mongodb";
import type { OrderDoc, PaymentDoc, RefundDoc } from "./mongo-order-documents.js";

/**
 * The unique indexes the order store's atomicity rests on, besides its transactions. A no-op
 * when they exist with the same spec.
 */
export async function createOrderIndexes(db: Db): Promise<void> {
  await db.collection<OrderDoc>("orders").createIndexes([
    { key: { order_id: 1 }, name: "order_id_unique", unique: true },
    { key: { customer_id: 1 }, name: "customer_id" },
  ]);
  await db.collection<PaymentDoc>("payments").createIndexes([
    { key: { payment_id: 1 }, name: "payment_id_unique", unique: true },
    // An order is paid at most once, even if two payments race past their decisions.
    { key: { order_id: 1 }, name: "order_id_unique", unique: true },
  ]);
  await db.collection<RefundDoc>("refunds").createIndexes([
    { key: { refund_id: 1 }, name: "refund_id_unique", unique: true },
    { key: { payment_id: 1, refunded_at: 1 }, name: "payment_id" },
  ]);
}

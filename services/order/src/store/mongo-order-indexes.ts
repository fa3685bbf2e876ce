import type { Db } from "mongodb";
import type { LegacyRefundDoc, OrderDoc, PaymentDoc, SequencedRefundDoc } from "./mongo-order-documents.js";
import { ensureIndexes } from "@invoicing/service-kit/storage";

/**
 * The unique indexes the order store's atomicity rests on: with single-document atomicity they
 * are all it relies on. A no-op when they exist with the same spec. None is partial or sparse,
 * and no unique index is new on a collection the old adapter wrote, so creating them cannot
 * fail on old data nor refuse an old worker's write during an upgrade.
 */
export async function createOrderIndexes(db: Db): Promise<void> {
  await ensureIndexes(db.collection<OrderDoc>("orders"), [
    { key: { order_id: 1 }, name: "order_id_unique", unique: true },
    { key: { customer_id: 1 }, name: "customer_id" },
  ]);
  await ensureIndexes(db.collection<PaymentDoc>("payments"), [
    { key: { payment_id: 1 }, name: "payment_id_unique", unique: true },
    // An order is paid at most once: of two payments racing past their decisions, the second
    // insert is refused. Old and new workers share it, so this holds during an upgrade too.
    { key: { order_id: 1 }, name: "order_id_unique", unique: true },
  ]);
  // The old adapter's refunds: read, never written.
  await ensureIndexes(db.collection<LegacyRefundDoc>("refunds"), [
    { key: { refund_id: 1 }, name: "refund_id_unique", unique: true },
    { key: { payment_id: 1, refunded_at: 1 }, name: "payment_id" },
  ]);
  await ensureIndexes(db.collection<SequencedRefundDoc>("sequenced_refunds"), [
    { key: { refund_id: 1 }, name: "refund_id_unique", unique: true },
    // One refund per (payment, number of refunds its decision saw): see recordRefund.
    { key: { payment_id: 1, sequence: 1 }, name: "payment_sequence_unique", unique: true },
  ]);
}

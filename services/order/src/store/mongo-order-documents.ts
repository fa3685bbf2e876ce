import { toBinary } from "@bufbuild/protobuf";
import { OrderSchema, type OrderStatus, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { fromInt64, toInt64 } from "@invoicing/service-kit/storage";
import { Binary, type Long, ObjectId } from "mongodb";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import type { PaymentRecord } from "../payments/payment-record.js";
import type { RefundRecord } from "../payments/refund-record.js";
import type { EventDoc } from "./mongo-event-doc.js";
import { eventDoc } from "./mongo-event-doc.js";

// The order store's MongoDB documents and the records they hold. A payment and a refund are
// each ONE inserted document that also holds its outbox event, so the store needs nothing
// beyond single-document atomicity and unique indexes.

export interface OrderDoc {
  order_id: string;
  customer_id: string;
  /** A copy set after the payment's insert; the payment document is the truth (see MongoOrderStore.getOrder). */
  status: OrderStatus;
  currency: string;
  total: Long;
  /** The record itself; the fields above are copies for queries and for people reading the data. */
  order_pb: Binary;
}

export interface PaymentDoc {
  /** Made by the writer; its time + counter orders the outbox within a process. */
  _id?: ObjectId;
  payment_id: string;
  /** Bumped by the old adapter's refunds (its transactions' conflict point); no longer written. */
  refund_count?: number;
  order_id: string;
  amount: Long;
  method: number;
  trace_id: string;
  completed_at: Date;
  /** The order as the payment's decision left it (PAID). Absent on documents of the old adapter, whose order was updated in the same transaction. */
  paid_order_pb?: Binary;
  /** The payment's outbox event. Absent on documents of the old adapter, whose events are in the `outbox` collection. */
  event?: EventDoc;
}

/** A refund as the old, transactional adapter wrote it (collection `refunds`): still read, never written. */
export interface LegacyRefundDoc {
  refund_id: string;
  payment_id: string;
  order_id: string;
  lines: Array<{ item_index: number; quantity: Long }>;
  amount: Long;
  reason: string;
  trace_id: string;
  refunded_at: Date;
}

/**
 * A refund with its outbox event (collection `sequenced_refunds`). `sequence` is 1 + the number
 * of the payment's refunds its decision saw; the unique (payment_id, sequence) index lets only
 * one of two refunds decided on the same earlier refunds in (see MongoOrderStore.recordRefund).
 */
export interface SequencedRefundDoc extends LegacyRefundDoc {
  _id?: ObjectId;
  sequence: number;
  event: EventDoc;
}

export const toRefund = (doc: LegacyRefundDoc): RefundRecord => ({
  refundId: doc.refund_id,
  paymentId: doc.payment_id,
  orderId: doc.order_id,
  lines: doc.lines.map((line) => ({ itemIndex: line.item_index, quantity: fromInt64(line.quantity) })),
  amount: fromInt64(doc.amount),
  reason: doc.reason,
  traceId: doc.trace_id,
  refundedAt: doc.refunded_at,
});

export const toPayment = (doc: PaymentDoc): PaymentRecord => ({
  paymentId: doc.payment_id,
  orderId: doc.order_id,
  amount: fromInt64(doc.amount),
  method: doc.method,
  traceId: doc.trace_id,
  completedAt: doc.completed_at,
});

export const orderDoc = (order: Order): OrderDoc => ({
  order_id: order.orderId,
  customer_id: order.customer?.customerId ?? "",
  status: order.status,
  currency: order.currency,
  total: toInt64(order.total),
  order_pb: new Binary(toBinary(OrderSchema, order)),
});

export const paymentDoc = (payment: PaymentRecord, paidOrder: Order, event: OutboxEntry): PaymentDoc => ({
  _id: new ObjectId(),
  payment_id: payment.paymentId,
  order_id: payment.orderId,
  amount: toInt64(payment.amount),
  method: payment.method,
  trace_id: payment.traceId,
  completed_at: payment.completedAt,
  paid_order_pb: new Binary(toBinary(OrderSchema, paidOrder)),
  event: eventDoc(event),
});

export const refundDoc = (refund: RefundRecord, sequence: number, event: OutboxEntry): SequencedRefundDoc => ({
  _id: new ObjectId(),
  refund_id: refund.refundId,
  payment_id: refund.paymentId,
  order_id: refund.orderId,
  lines: refund.lines.map((line) => ({ item_index: line.itemIndex, quantity: toInt64(line.quantity) })),
  amount: toInt64(refund.amount),
  reason: refund.reason,
  trace_id: refund.traceId,
  refunded_at: refund.refundedAt,
  sequence,
  event: eventDoc(event),
});

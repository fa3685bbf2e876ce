import { toBinary } from "@bufbuild/protobuf";
import { OrderSchema, type OrderStatus, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { fromInt64, toInt64 } from "@invoicing/service-kit/storage";
import { Binary, type Long, type ObjectId } from "mongodb";
import type { PaymentRecord } from "../payments/payment-record.js";
import type { RefundRecord } from "../payments/refund-record.js";

// The order store's MongoDB documents and the records they hold.

export interface OrderDoc {
  order_id: string;
  customer_id: string;
  status: OrderStatus;
  currency: string;
  total: Long;
  /** The record itself; the fields above are copies for queries and for people reading the data. */
  order_pb: Binary;
}

export interface PaymentDoc {
  payment_id: string;
  /** Bumped by every refund, so racing refunds of one payment conflict (see recordRefund). */
  refund_count?: number;
  order_id: string;
  amount: Long;
  method: number;
  trace_id: string;
  completed_at: Date;
}

export interface RefundDoc {
  refund_id: string;
  payment_id: string;
  order_id: string;
  lines: Array<{ item_index: number; quantity: Long }>;
  amount: Long;
  reason: string;
  trace_id: string;
  refunded_at: Date;
}

export const toRefund = (doc: RefundDoc): RefundRecord => ({
  refundId: doc.refund_id,
  paymentId: doc.payment_id,
  orderId: doc.order_id,
  lines: doc.lines.map((line) => ({ itemIndex: line.item_index, quantity: fromInt64(line.quantity) })),
  amount: fromInt64(doc.amount),
  reason: doc.reason,
  traceId: doc.trace_id,
  refundedAt: doc.refunded_at,
});

export interface OutboxDoc {
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

export const paymentDoc = (payment: PaymentRecord): PaymentDoc => ({
  payment_id: payment.paymentId,
  order_id: payment.orderId,
  amount: toInt64(payment.amount),
  method: payment.method,
  trace_id: payment.traceId,
  completed_at: payment.completedAt,
});

export const refundDoc = (refund: RefundRecord): RefundDoc => ({
  refund_id: refund.refundId,
  payment_id: refund.paymentId,
  order_id: refund.orderId,
  lines: refund.lines.map((line) => ({ item_index: line.itemIndex, quantity: toInt64(line.quantity) })),
  amount: toInt64(refund.amount),
  reason: refund.reason,
  trace_id: refund.traceId,
  refunded_at: refund.refundedAt,
});

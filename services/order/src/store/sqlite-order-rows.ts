import type { PaymentRecord } from "../payments/payment-record.js";
import type { RefundRecord } from "../payments/refund-record.js";

// Rows of the order store's tables and the records they hold. Amounts and quantities are
// int64, kept as decimal strings so no bigint is squeezed through a JavaScript number.

export interface PaymentRow {
  payment_id: string;
  order_id: string;
  amount: string;
  method: number;
  trace_id: string;
  completed_at: number;
}

export interface RefundRow {
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

export const toRefund = (row: RefundRow): RefundRecord => ({
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

export const toPayment = (row: PaymentRow): PaymentRecord => ({
  paymentId: row.payment_id,
  orderId: row.order_id,
  amount: BigInt(row.amount),
  method: row.method,
  traceId: row.trace_id,
  completedAt: new Date(row.completed_at),
});

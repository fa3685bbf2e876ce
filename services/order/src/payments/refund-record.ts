/** One refund of a payment: which order lines, how many of each, and the gross amount. */
export interface RefundRecord {
  refundId: string;
  paymentId: string;
  orderId: string;
  /** Index into the order's items and the quantity taken back, in request order. */
  lines: Array<{ itemIndex: number; quantity: bigint }>;
  /** Gross (net + tax) of the refunded lines, in minor units. */
  amount: bigint;
  reason: string;
  traceId: string;
  refundedAt: Date;
}

import type { PaymentMethod } from "@invoicing/contracts/invoicing/order/v1/order_pb";

/** A completed payment of one order, as recorded: the first recording of a payment id stands. */
export interface PaymentRecord {
  paymentId: string;
  orderId: string;
  amount: bigint;
  method: PaymentMethod;
  /** The trace the payment call started; the invoice and the mail carry the same id. */
  traceId: string;
  completedAt: Date;
}

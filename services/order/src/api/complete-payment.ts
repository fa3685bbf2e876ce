import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { CompletePaymentResponseSchema, InvoiceState, type CompletePaymentRequest } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { currentTraceparent } from "@invoicing/service-kit/messaging";
import { paymentCompletedEntry } from "../messaging/outbox-events.js";
import type { OrderStore } from "../payments/order-store.js";
import { decidePayment, repeatedPayment, type PaymentAttempt, type PaymentDecision } from "../payments/payment-decision.js";
import type { PaymentRecord } from "../payments/payment-record.js";
import { activeTraceId } from "./active-trace-id.js";
import type { OrderRouteDeps } from "./order-route-deps.js";
import { validateCompletePayment } from "./order-request-validation.js";

const pendingResponse = (payment: PaymentRecord) =>
  create(CompletePaymentResponseSchema, {
    paymentId: payment.paymentId,
    orderId: payment.orderId,
    invoiceState: InvoiceState.PENDING,
    traceId: payment.traceId,
  });

/** The caller's answer to a payment decision: the payment's, or the code that says why not. */
function answer(decision: PaymentDecision, req: CompletePaymentRequest) {
  switch (decision.outcome) {
    case "recorded":
    case "duplicate":
      return pendingResponse(decision.payment);
    case "payment-id-taken":
      throw new ConnectError(
        `payment_id: ${decision.payment.paymentId} was already used for order ${decision.payment.orderId}`,
        Code.AlreadyExists,
      );
    case "order-not-found":
      throw new ConnectError(`order ${req.orderId} not found`, Code.NotFound);
    case "amount-mismatch":
      throw new ConnectError(`amount: must equal the order total ${decision.total}, got ${req.amount}`, Code.InvalidArgument);
    case "order-already-paid":
      throw new ConnectError(`order ${req.orderId} is already paid by payment ${decision.payment.paymentId}`, Code.FailedPrecondition);
  }
}

/**
 * CompletePayment, on the customer's payment path: one local atomic write, then return. The
 * invoice is issued from the outbox event, asynchronously.
 */
export function completePaymentHandler({ store, onOutboxWrite }: OrderRouteDeps) {
  return async (req: CompletePaymentRequest) => {
    validateCompletePayment(req);
    // A retried call is answered from a read, without taking the store's write lock.
    const seen = await store.getPayment(req.paymentId);
    if (seen) return answer(repeatedPayment(seen, req.orderId), req);
    const decision = await decideAndWrite(store, {
      paymentId: req.paymentId,
      orderId: req.orderId,
      amount: req.amount,
      method: req.method,
      traceId: activeTraceId(),
      completedAt: new Date(),
    });
    if (decision.outcome === "recorded") onOutboxWrite();
    return answer(decision, req);
  };
}

function decideAndWrite(store: OrderStore, attempt: PaymentAttempt): Promise<PaymentDecision> {
  const traceparent = currentTraceparent();
  return store.completePayment<PaymentDecision>(attempt.paymentId, attempt.orderId, (state) => {
    const decision = decidePayment(state, attempt);
    if (decision.outcome !== "recorded") return { answer: decision };
    const { payment, paidOrder } = decision;
    return { answer: decision, write: { payment, paidOrder, event: paymentCompletedEntry(payment, paidOrder, traceparent) } };
  });
}

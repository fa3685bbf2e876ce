import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { RefundPaymentResponseSchema, type RefundPaymentRequest } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { currentTraceparent } from "@invoicing/service-kit/messaging";
import { paymentRefundedEntry } from "../messaging/outbox-events.js";
import type { OrderStore } from "../payments/order-store.js";
import { decideRefund, type RefundAttempt, type RefundDecision } from "../payments/refund-decision.js";
import { RefundLineInvalid, RefundRefused } from "../payments/refund-errors.js";
import { refundedItems } from "../payments/refund-plan.js";
import type { RefundRecord } from "../payments/refund-record.js";
import { activeTraceId } from "./active-trace-id.js";
import type { OrderRouteDeps } from "./order-route-deps.js";
import { validateRefundPayment } from "./order-request-validation.js";

async function refundResponse(store: OrderStore, refund: RefundRecord) {
  const order = await store.getOrder(refund.orderId);
  return create(RefundPaymentResponseSchema, {
    refundId: refund.refundId,
    paymentId: refund.paymentId,
    orderId: refund.orderId,
    amount: refund.amount,
    items: order ? refundedItems(order, refund.lines) : [],
    traceId: refund.traceId,
  });
}

/** The refund rules' refusals as codes: a line naming no item is a bad request, too much a refused one. */
function refusalCode(error: unknown): ConnectError | unknown {
  if (error instanceof RefundLineInvalid) return new ConnectError(error.message, Code.InvalidArgument, undefined, undefined, error);
  if (error instanceof RefundRefused) return new ConnectError(error.message, Code.FailedPrecondition, undefined, undefined, error);
  return error;
}

/**
 * RefundPayment, like CompletePayment: one atomic write of the refund and its outbox event.
 * The credit note follows asynchronously, after the payment's invoice.
 */
export function refundPaymentHandler({ store, onOutboxWrite }: OrderRouteDeps) {
  return async (req: RefundPaymentRequest) => {
    validateRefundPayment(req);
    const attempt: RefundAttempt = {
      refundId: req.refundId,
      paymentId: req.paymentId,
      lines: req.lines,
      reason: req.reason,
      traceId: activeTraceId(),
      refundedAt: new Date(),
    };
    const decision = await decideAndWrite(store, attempt).catch((error: unknown) => {
      throw refusalCode(error);
    });
    switch (decision.outcome) {
      case "payment-not-found":
        throw new ConnectError(`payment ${req.paymentId} not found`, Code.NotFound);
      case "refund-id-taken":
        throw new ConnectError(`refund_id: ${req.refundId} was already used for payment ${decision.refund.paymentId}`, Code.AlreadyExists);
      case "duplicate":
        return refundResponse(store, decision.refund);
      case "recorded":
        onOutboxWrite();
        return refundResponse(store, decision.refund);
    }
  };
}

function decideAndWrite(store: OrderStore, attempt: RefundAttempt): Promise<RefundDecision> {
  const traceparent = currentTraceparent();
  return store.recordRefund<RefundDecision>(attempt.refundId, attempt.paymentId, (state) => {
    const decision = decideRefund(state, attempt);
    if (decision.outcome !== "recorded") return { answer: decision };
    const { refund, plan, order } = decision;
    return { answer: decision, write: { refund, event: paymentRefundedEntry(refund, plan, order, traceparent) } };
  });
}

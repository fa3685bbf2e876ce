import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import {
  PaymentCompletedSchema,
  PaymentRefundedSchema,
} from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  CompletePaymentResponseSchema,
  CreateOrderResponseSchema,
  GetOrderResponseSchema,
  InvoiceState,
  OrderSchema,
  OrderService,
  OrderStatus,
  RefundPaymentResponseSchema,
  type Order,
} from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { computeTotals } from "@invoicing/money";
import { documentSourceOf, paymentCompletedSubject, paymentRefundedSubject } from "@invoicing/service-kit/jetstream-topology";
import { currentTraceparent } from "@invoicing/service-kit/message-tracing";
import { trace } from "@opentelemetry/api";
import { randomUUID } from "node:crypto";
import type { OrderStore, PaymentRecord, RefundRecord } from "../payments/order-store.js";
import { validateCompletePayment, validateCreateOrder, validateRefundPayment } from "./order-request-validation.js";
import { planRefund, refundedItems } from "../payments/refund-plan.js";

export function orderRoutes(deps: { store: OrderStore; onOutboxWrite: () => void }) {
  const { store } = deps;

  const pendingResponse = (payment: PaymentRecord) =>
    create(CompletePaymentResponseSchema, {
      paymentId: payment.paymentId,
      orderId: payment.orderId,
      invoiceState: InvoiceState.PENDING,
      traceId: payment.traceId,
    });

  return (router: ConnectRouter) =>
    router.service(OrderService, {
      async createOrder(req) {
        validateCreateOrder(req);
        const order = create(OrderSchema, {
          orderId: `ord_${randomUUID().replaceAll("-", "")}`,
          customer: req.customer,
          items: req.items,
          currency: req.currency,
          locale: req.locale || "en-US",
          status: OrderStatus.AWAITING_PAYMENT,
          createdAt: timestampNow(),
          total: computeTotals(req.items).gross,
        });
        await store.createOrder(order);
        return create(CreateOrderResponseSchema, { order });
      },

      async getOrder(req) {
        if (!req.orderId) throw new ConnectError("order_id: must be set", Code.InvalidArgument);
        const order = await store.getOrder(req.orderId);
        if (!order) throw new ConnectError(`order ${req.orderId} not found`, Code.NotFound);
        return create(GetOrderResponseSchema, { order });
      },

      // On the customer's payment path: one local atomic write, then return. The invoice is
      // issued from the outbox event, asynchronously.
      async completePayment(req) {
        validateCompletePayment(req);
        const seen = await store.getPayment(req.paymentId);
        if (seen) return replay(seen, req.orderId);

        const order = await store.getOrder(req.orderId);
        if (!order) throw new ConnectError(`order ${req.orderId} not found`, Code.NotFound);
        if (req.amount !== order.total) {
          throw new ConnectError(`amount: must equal the order total ${order.total}, got ${req.amount}`, Code.InvalidArgument);
        }
        const traceId = activeTraceId();
        const completedAt = new Date();
        const payment: PaymentRecord = {
          paymentId: req.paymentId,
          orderId: order.orderId,
          amount: req.amount,
          method: req.method,
          traceId,
          completedAt,
        };
        const event = create(PaymentCompletedSchema, {
          eventId: `payment-completed:${req.paymentId}`,
          occurredAt: timestampFromDate(completedAt),
          traceId,
          paymentId: req.paymentId,
          amount: req.amount,
          method: req.method,
          order: { ...order, status: OrderStatus.PAID },
        });
        const result = await store.completePayment(payment, {
          msgId: documentSourceOf({ paymentId: req.paymentId, refundId: "" }),
          subject: paymentCompletedSubject(order.orderId),
          payload: toBinary(PaymentCompletedSchema, event),
          traceparent: currentTraceparent(),
        });
        switch (result.outcome) {
          case "recorded":
            deps.onOutboxWrite();
            return pendingResponse(result.payment);
          case "duplicate":
            return replay(result.payment, req.orderId);
          case "order-already-paid":
            throw new ConnectError(
              `order ${req.orderId} is already paid by payment ${result.payment.paymentId}`,
              Code.FailedPrecondition,
            );
          case "order-not-found":
            throw new ConnectError(`order ${req.orderId} not found`, Code.NotFound);
        }
      },

      // Like CompletePayment: one atomic write of the refund and its outbox event. The credit
      // note follows asynchronously, after the payment's invoice.
      async refundPayment(req) {
        validateRefundPayment(req);
        const traceId = activeTraceId();
        const traceparent = currentTraceparent();
        const result = await store.recordRefund(req.refundId, req.paymentId, ({ order, payment, earlier }) => {
          const plan = planRefund({ order, payment, earlier }, req.lines);
          const refund: RefundRecord = {
            refundId: req.refundId,
            paymentId: payment.paymentId,
            orderId: order.orderId,
            lines: plan.lines,
            amount: plan.amount,
            reason: req.reason,
            traceId,
            refundedAt: new Date(),
          };
          const event = create(PaymentRefundedSchema, {
            eventId: `payment-refunded:${req.refundId}`,
            occurredAt: timestampFromDate(refund.refundedAt),
            traceId,
            refundId: refund.refundId,
            paymentId: refund.paymentId,
            orderId: refund.orderId,
            items: plan.items,
            amount: plan.amount,
            currency: order.currency,
            reason: refund.reason,
            totals: plan.totals,
          });
          return {
            refund,
            event: {
              // Prefixed: payment ids and refund ids share the PAYMENTS stream's dedupe window.
              msgId: documentSourceOf({ paymentId: refund.paymentId, refundId: refund.refundId }),
              subject: paymentRefundedSubject(order.orderId),
              payload: toBinary(PaymentRefundedSchema, event),
              traceparent,
            },
          };
        });
        switch (result.outcome) {
          case "payment-not-found":
            throw new ConnectError(`payment ${req.paymentId} not found`, Code.NotFound);
          case "duplicate":
            if (result.refund.paymentId !== req.paymentId) {
              throw new ConnectError(
                `refund_id: ${req.refundId} was already used for payment ${result.refund.paymentId}`,
                Code.AlreadyExists,
              );
            }
            return refundResponse(result.refund, await store.getOrder(result.refund.orderId));
          case "recorded":
            deps.onOutboxWrite();
            return refundResponse(result.refund, await store.getOrder(result.refund.orderId));
        }
      },
    });

  function refundResponse(refund: RefundRecord, order: Order | undefined) {
    return create(RefundPaymentResponseSchema, {
      refundId: refund.refundId,
      paymentId: refund.paymentId,
      orderId: refund.orderId,
      amount: refund.amount,
      items: order ? refundedItems(order, refund.lines) : [],
      traceId: refund.traceId,
    });
  }

  function replay(payment: PaymentRecord, orderId: string) {
    if (payment.orderId !== orderId) {
      throw new ConnectError(
        `payment_id: ${payment.paymentId} was already used for order ${payment.orderId}`,
        Code.AlreadyExists,
      );
    }
    return pendingResponse(payment);
  }
}

function activeTraceId(): string {
  return trace.getActiveSpan()?.spanContext().traceId ?? randomUUID().replaceAll("-", "");
}

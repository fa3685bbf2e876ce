import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate, timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import {
  CompletePaymentResponseSchema,
  CreateOrderResponseSchema,
  GetOrderResponseSchema,
  InvoiceState,
  OrderSchema,
  OrderService,
  OrderStatus,
} from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { computeTotals } from "@invoicing/money";
import { paymentCompletedSubject } from "@invoicing/service-kit/jetstream-topology";
import { currentTraceparent } from "@invoicing/service-kit/message-tracing";
import { trace } from "@opentelemetry/api";
import { randomUUID } from "node:crypto";
import type { OrderStore, PaymentRecord } from "./order-store.js";
import { validateCompletePayment, validateCreateOrder } from "./order-validation.js";

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
        const traceId = trace.getActiveSpan()?.spanContext().traceId ?? randomUUID().replaceAll("-", "");
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
          msgId: req.paymentId,
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
    });

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

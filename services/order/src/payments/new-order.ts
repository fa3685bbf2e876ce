import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { OrderSchema, OrderStatus, type CreateOrderRequest, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { computeTotals } from "@invoicing/money";
import { randomUUID } from "node:crypto";

/**
 * An order as it starts: its own id, awaiting payment, its total computed here once (every
 * payment must match it, and the invoice's totals are computed by the same rules).
 */
export function newOrder(request: Pick<CreateOrderRequest, "customer" | "items" | "currency" | "locale">, now: Date): Order {
  return create(OrderSchema, {
    orderId: `ord_${randomUUID().replaceAll("-", "")}`,
    customer: request.customer,
    items: request.items,
    currency: request.currency,
    locale: request.locale || "en-US",
    status: OrderStatus.AWAITING_PAYMENT,
    createdAt: timestampFromDate(now),
    total: computeTotals(request.items).gross,
  });
}

import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  CreateOrderResponseSchema,
  OrderSchema,
  OrderStatus,
  type CreateOrderRequest,
} from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { computeTotals } from "@invoicing/money";
import { randomUUID } from "node:crypto";
import type { OrderStore } from "../payments/order-store.js";
import { validateCreateOrder } from "./order-request-validation.js";

/** CreateOrder: a valid request becomes an order awaiting payment, its total computed here once. */
export function createOrderHandler(store: OrderStore) {
  return async (req: CreateOrderRequest) => {
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
  };
}

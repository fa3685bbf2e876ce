import { create } from "@bufbuild/protobuf";
import { CreateOrderResponseSchema, type CreateOrderRequest } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { newOrder } from "../payments/new-order.js";
import type { OrderStore } from "../payments/order-store.js";
import { validateCreateOrder } from "./order-request-validation.js";

/** CreateOrder: a valid request becomes an order awaiting payment. */
export function createOrderHandler(store: OrderStore) {
  return async (req: CreateOrderRequest) => {
    validateCreateOrder(req);
    const order = newOrder(req, new Date());
    await store.createOrder(order);
    return create(CreateOrderResponseSchema, { order });
  };
}

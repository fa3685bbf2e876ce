import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { GetOrderResponseSchema, type GetOrderRequest } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import type { OrderStore } from "../payments/order-store.js";

/** GetOrder: the order as stored, with its status. */
export function getOrderHandler(store: OrderStore) {
  return async (req: GetOrderRequest) => {
    if (!req.orderId) throw new ConnectError("order_id: must be set", Code.InvalidArgument);
    const order = await store.getOrder(req.orderId);
    if (!order) throw new ConnectError(`order ${req.orderId} not found`, Code.NotFound);
    return create(GetOrderResponseSchema, { order });
  };
}

import type { ConnectRouter } from "@connectrpc/connect";
import { OrderService } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { completePaymentHandler } from "./complete-payment.js";
import { createOrderHandler } from "./create-order.js";
import { getOrderHandler } from "./get-order.js";
import type { OrderRouteDeps } from "./order-route-deps.js";
import { refundPaymentHandler } from "./refund-payment.js";

/** OrderService: one handler module per RPC. */
export function orderRoutes(deps: OrderRouteDeps) {
  return (router: ConnectRouter) =>
    router.service(OrderService, {
      createOrder: createOrderHandler(deps.store),
      getOrder: getOrderHandler(deps.store),
      completePayment: completePaymentHandler(deps),
      refundPayment: refundPaymentHandler(deps),
    });
}

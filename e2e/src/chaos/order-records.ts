import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { OrderService, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";

/**
 * The order service's record of each order, what every invoice and mail is checked against:
 * the buyer, the lines and the total the customer agreed to, and the address to mail.
 */
export async function readOrderRecords(
  orderUrl: string,
  tls: { ca: Buffer; cert: Buffer; key: Buffer },
  orderIds: readonly string[],
): Promise<Map<string, Order>> {
  const orders = createClient(OrderService, createGrpcTransport({ baseUrl: orderUrl, defaultTimeoutMs: 15_000, nodeOptions: tls }));
  const records = new Map<string, Order>();
  const queue = [...new Set(orderIds)];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        const { order } = await orders.getOrder({ orderId: id });
        if (order) records.set(id, order);
      }
    }),
  );
  return records;
}

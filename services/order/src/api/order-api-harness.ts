import { create } from "@bufbuild/protobuf";
import { createClient, createRouterTransport, type Client } from "@connectrpc/connect";
import { CreateOrderRequestSchema, OrderService, PaymentMethod, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OutboxEntry } from "../payments/outbox-entry.js";
import { SqliteOrderStore } from "../store/sqlite-order-store.js";
import { orderRoutes } from "./order-routes.js";

// The order routes in memory, for their tests: Connect's router transport runs the same
// handler code a server would (serialisation, errors, codes), against the real SQLite store
// in a fresh folder. No network, no NATS: the outbox is read from the store.

export interface OrderApi {
  client: Client<typeof OrderService>;
  store: SqliteOrderStore;
  /** How often the routes woke the relay. */
  readonly wakes: number;
  /** Every outbox entry written so far, oldest first (none is published here). */
  outbox(): Promise<OutboxEntry[]>;
  close(): Promise<void>;
}

export function openOrderApi(): OrderApi {
  const store = new SqliteOrderStore(join(mkdtempSync(join(tmpdir(), "order-api-")), "order.sqlite"));
  let wakes = 0;
  const transport = createRouterTransport(orderRoutes({ store, onOutboxWrite: () => wakes++ }));
  return {
    client: createClient(OrderService, transport),
    store,
    get wakes() {
      return wakes;
    },
    outbox: () => store.pendingOutbox(100_000),
    close: () => store.close(),
  };
}

/** A valid order: 2 × 19.99 at 7 % and 1 × 49.90 at 19 %, 102.16 gross. */
export const orderRequest = () =>
  create(CreateOrderRequestSchema, {
    customer: {
      customerId: "cust-1",
      name: "Erika Mustermann",
      email: "erika@example.com",
      billingAddress: { line1: "Musterweg 1", postalCode: "10115", city: "Berlin", countryCode: "DE" },
    },
    items: [
      { description: "Book", quantity: 2n, unitPrice: 1999n, taxRateBps: 700 },
      { description: "Lamp", quantity: 1n, unitPrice: 4990n, taxRateBps: 1900 },
    ],
    currency: "EUR",
    locale: "de-DE",
  });

/** Creates an order through the API and pays it in full; the payment id is returned with it. */
export async function paidOrder(api: OrderApi, paymentId = `pay_${crypto.randomUUID()}`): Promise<{ order: Order; paymentId: string }> {
  const { order } = await api.client.createOrder(orderRequest());
  await api.client.completePayment({ orderId: order!.orderId, paymentId, amount: order!.total, method: PaymentMethod.CARD });
  return { order: order!, paymentId };
}

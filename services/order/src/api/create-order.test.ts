import { Code, ConnectError } from "@connectrpc/connect";
import { OrderStatus } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openOrderApi, orderRequest, type OrderApi } from "./order-api-harness.js";

const refusal = (code: Code, field: string) => (error: unknown) =>
  error instanceof ConnectError && error.code === code && error.rawMessage.startsWith(`${field}:`);

describe("CreateOrder and GetOrder, in memory against the SQLite store", () => {
  let api: OrderApi;
  before(() => {
    api = openOrderApi();
  });
  after(() => api.close());

  it("creates an order awaiting payment with its total computed once, and reads it back", async () => {
    const { order } = await api.client.createOrder(orderRequest());
    assert.match(order!.orderId, /^ord_[0-9a-f]{32}$/);
    assert.equal(order!.status, OrderStatus.AWAITING_PAYMENT);
    // 2 × 19.99 + 7 % (2.80) and 49.90 + 19 % (9.48)
    assert.equal(order!.total, 10216n);
    const { order: read } = await api.client.getOrder({ orderId: order!.orderId });
    assert.equal(read?.total, 10216n);
    assert.equal(read?.customer?.email, "erika@example.com");
    assert.equal(read?.locale, "de-DE");
  });

  it("defaults the locale to en-US and queues no event", async () => {
    const before = (await api.outbox()).length;
    const request = orderRequest();
    request.locale = "";
    const { order } = await api.client.createOrder(request);
    assert.equal(order?.locale, "en-US");
    assert.equal((await api.outbox()).length, before);
  });

  it("refuses an invalid order naming the field, and stores nothing", async () => {
    const request = orderRequest();
    request.customer!.email = "not-an-address";
    await assert.rejects(api.client.createOrder(request), refusal(Code.InvalidArgument, "customer.email"));
    const noItems = orderRequest();
    noItems.items = [];
    await assert.rejects(api.client.createOrder(noItems), refusal(Code.InvalidArgument, "items"));
  });

  it("answers NOT_FOUND for an unknown order and INVALID_ARGUMENT for none", async () => {
    await assert.rejects(
      api.client.getOrder({ orderId: "ord_missing" }),
      (error: unknown) => ConnectError.from(error).code === Code.NotFound,
    );
    await assert.rejects(api.client.getOrder({ orderId: "" }), refusal(Code.InvalidArgument, "order_id"));
  });
});

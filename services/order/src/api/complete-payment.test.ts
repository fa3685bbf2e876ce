import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { PaymentCompletedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import { InvoiceState, OrderStatus, PaymentMethod, type Order } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { openOrderApi, orderRequest, type OrderApi } from "./order-api-harness.js";

const refusal = (code: Code, field?: string) => (error: unknown) =>
  error instanceof ConnectError && error.code === code && (field === undefined || error.rawMessage.startsWith(`${field}:`));

describe("CompletePayment, in memory against the SQLite store", () => {
  let api: OrderApi;
  before(() => {
    api = openOrderApi();
  });
  after(() => api.close());

  const newOrder = async (): Promise<Order> => (await api.client.createOrder(orderRequest())).order!;
  const payOf = (order: Order, paymentId = `pay_${randomUUID()}`) => ({
    orderId: order.orderId,
    paymentId,
    amount: order.total,
    method: PaymentMethod.CARD,
  });
  const entriesFor = async (msgId: string) => (await api.outbox()).filter((entry) => entry.msgId === msgId);

  it("records the payment, marks the order PAID and queues exactly one PaymentCompleted", async () => {
    const order = await newOrder();
    const before = { entries: (await api.outbox()).length, wakes: api.wakes };
    const request = payOf(order);
    const answer = await api.client.completePayment(request);
    assert.equal(answer.paymentId, request.paymentId);
    assert.equal(answer.orderId, order.orderId);
    assert.equal(answer.invoiceState, InvoiceState.PENDING);
    assert.match(answer.traceId, /^[0-9a-f]{32}$/);
    assert.equal((await api.client.getOrder({ orderId: order.orderId })).order?.status, OrderStatus.PAID);
    assert.equal((await api.outbox()).length, before.entries + 1, "one write, one outbox entry");
    assert.equal(api.wakes, before.wakes + 1, "the relay was woken");
    const [entry] = await entriesFor(request.paymentId);
    assert.equal(entry?.subject, `payments.completed.${order.orderId}`);
    const event = fromBinary(PaymentCompletedSchema, entry!.payload);
    assert.equal(event.paymentId, request.paymentId);
    assert.equal(event.amount, order.total);
    assert.equal(event.traceId, answer.traceId);
    assert.equal(event.order?.status, OrderStatus.PAID);
  });

  it("answers a retry with the same request with the same answer, writing nothing more", async () => {
    const order = await newOrder();
    const request = payOf(order);
    const first = await api.client.completePayment(request);
    const before = { entries: (await api.outbox()).length, wakes: api.wakes };
    const again = await api.client.completePayment(request);
    assert.deepEqual(again, first);
    assert.equal((await api.outbox()).length, before.entries);
    assert.equal(api.wakes, before.wakes);
  });

  it("refuses a payment id already used for another order with ALREADY_EXISTS naming payment_id", async () => {
    const [first, second] = [await newOrder(), await newOrder()];
    const paymentId = `pay_${randomUUID()}`;
    await api.client.completePayment(payOf(first, paymentId));
    await assert.rejects(api.client.completePayment(payOf(second, paymentId)), refusal(Code.AlreadyExists, "payment_id"));
    assert.equal((await api.client.getOrder({ orderId: second.orderId })).order?.status, OrderStatus.AWAITING_PAYMENT);
  });

  it("refuses a second payment of a paid order with FAILED_PRECONDITION, queuing nothing", async () => {
    const order = await newOrder();
    await api.client.completePayment(payOf(order));
    const before = (await api.outbox()).length;
    const second = payOf(order);
    await assert.rejects(api.client.completePayment(second), refusal(Code.FailedPrecondition));
    assert.equal((await api.outbox()).length, before);
    assert.equal(await api.store.getPayment(second.paymentId), undefined);
  });

  it("refuses an amount other than the total with INVALID_ARGUMENT naming amount, writing nothing", async () => {
    const order = await newOrder();
    const before = (await api.outbox()).length;
    const short = { ...payOf(order), amount: order.total - 1n };
    await assert.rejects(api.client.completePayment(short), (error: unknown) => {
      assert.ok(refusal(Code.InvalidArgument, "amount")(error), String(error));
      assert.match((error as ConnectError).rawMessage, new RegExp(`total ${order.total}, got ${order.total - 1n}`));
      return true;
    });
    assert.equal((await api.outbox()).length, before);
    assert.equal((await api.client.getOrder({ orderId: order.orderId })).order?.status, OrderStatus.AWAITING_PAYMENT);
  });

  it("answers NOT_FOUND for a payment of no order, and INVALID_ARGUMENT naming a malformed field", async () => {
    await assert.rejects(
      api.client.completePayment({ orderId: "ord_missing", paymentId: "pay_x", amount: 1n, method: PaymentMethod.CARD }),
      refusal(Code.NotFound),
    );
    const order = await newOrder();
    await assert.rejects(
      api.client.completePayment({ ...payOf(order), method: PaymentMethod.UNSPECIFIED }),
      refusal(Code.InvalidArgument, "method"),
    );
    await assert.rejects(
      api.client.completePayment({ ...payOf(order), paymentId: "has spaces" }),
      refusal(Code.InvalidArgument, "payment_id"),
    );
  });

  it("records one of several racing payments of one order; the others are refused", async () => {
    const order = await newOrder();
    const before = (await api.outbox()).length;
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => api.client.completePayment(payOf(order))));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.equal(results.filter((r) => r.status === "rejected" && refusal(Code.FailedPrecondition)(r.reason)).length, 4);
    assert.equal((await api.outbox()).length, before + 1);
  });
});

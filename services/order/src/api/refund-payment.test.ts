import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { PaymentRefundedSchema } from "@invoicing/contracts/invoicing/events/v1/events_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { openOrderApi, paidOrder, type OrderApi } from "./order-api-harness.js";

const refusal = (code: Code, field?: string) => (error: unknown) =>
  error instanceof ConnectError && error.code === code && (field === undefined || error.rawMessage.startsWith(`${field}:`));

describe("RefundPayment, in memory against the SQLite store", () => {
  let api: OrderApi;
  before(() => {
    api = openOrderApi();
  });
  after(() => api.close());

  const refundId = () => `ref_${randomUUID()}`;

  it("refunds some lines, priced like the invoice, and queues exactly one PaymentRefunded", async () => {
    const { order, paymentId } = await paidOrder(api);
    const before = { entries: (await api.outbox()).length, wakes: api.wakes };
    const request = { paymentId, refundId: refundId(), lines: [{ itemIndex: 0, quantity: 1n }], reason: "damaged" };
    const answer = await api.client.refundPayment(request);
    // 19.99 + 7 % (1.40)
    assert.equal(answer.amount, 2139n);
    assert.equal(answer.orderId, order.orderId);
    assert.deepEqual(
      answer.items.map((item) => [item.description, item.quantity]),
      [["Book", 1n]],
    );
    const after = await api.outbox();
    assert.equal(after.length, before.entries + 1, "one write, one outbox entry");
    assert.equal(api.wakes, before.wakes + 1);
    const entry = after.find((e) => e.msgId === `refund:${request.refundId}`);
    assert.equal(entry?.subject, `payments.refunded.${order.orderId}`);
    const event = fromBinary(PaymentRefundedSchema, entry!.payload);
    assert.equal(event.amount, 2139n);
    assert.equal(event.reason, "damaged");
    assert.equal(event.currency, "EUR");
  });

  it("answers a retry with the same refund id with the first answer, writing nothing more", async () => {
    const { paymentId } = await paidOrder(api);
    const request = { paymentId, refundId: refundId(), lines: [{ itemIndex: 1, quantity: 1n }] };
    const first = await api.client.refundPayment(request);
    const before = (await api.outbox()).length;
    assert.deepEqual(await api.client.refundPayment(request), first);
    assert.equal((await api.outbox()).length, before);
  });

  it("refuses more than is left to refund with FAILED_PRECONDITION naming the line's quantity", async () => {
    const { paymentId } = await paidOrder(api);
    await api.client.refundPayment({ paymentId, refundId: refundId(), lines: [{ itemIndex: 0, quantity: 2n }] });
    const before = (await api.outbox()).length;
    const over = { paymentId, refundId: refundId(), lines: [{ itemIndex: 0, quantity: 1n }] };
    await assert.rejects(api.client.refundPayment(over), refusal(Code.FailedPrecondition, "lines[0].quantity"));
    assert.equal((await api.outbox()).length, before);
    assert.equal(await api.store.getRefund(over.refundId), undefined);
  });

  it("refuses a refund of a fully refunded payment", async () => {
    const { paymentId } = await paidOrder(api);
    await api.client.refundPayment({ paymentId, refundId: refundId() });
    await assert.rejects(
      api.client.refundPayment({ paymentId, refundId: refundId() }),
      (error: unknown) => refusal(Code.FailedPrecondition)(error) && /already fully refunded/.test(String(error)),
    );
  });

  it("refuses a line past the order's items with INVALID_ARGUMENT naming it", async () => {
    const { paymentId } = await paidOrder(api);
    const past = {
      paymentId,
      refundId: refundId(),
      lines: [
        { itemIndex: 0, quantity: 1n },
        { itemIndex: 7, quantity: 1n },
      ],
    };
    await assert.rejects(api.client.refundPayment(past), refusal(Code.InvalidArgument, "lines[1].item_index"));
  });

  it("refuses a refund id already used for another payment with ALREADY_EXISTS naming refund_id", async () => {
    const [first, second] = [await paidOrder(api), await paidOrder(api)];
    const id = refundId();
    await api.client.refundPayment({ paymentId: first.paymentId, refundId: id });
    await assert.rejects(api.client.refundPayment({ paymentId: second.paymentId, refundId: id }), refusal(Code.AlreadyExists, "refund_id"));
  });

  it("answers NOT_FOUND for a refund of no payment", async () => {
    await assert.rejects(api.client.refundPayment({ paymentId: "pay_missing", refundId: refundId() }), refusal(Code.NotFound));
  });
});

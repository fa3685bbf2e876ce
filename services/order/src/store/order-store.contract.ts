import { create } from "@bufbuild/protobuf";
import {
  OrderSchema,
  OrderStatus,
  PaymentMethod,
  type Order,
} from "@invoicing/contracts/invoicing/order/v1/order_pb";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { OrderStore, OutboxEntry, PaymentRecord, RefundContext, RefundRecord } from "../payments/order-store.js";

/** The behaviour every OrderStore adapter must show; run once per adapter. */
export function orderStoreContract(name: string, open: () => Promise<OrderStore>): void {
  describe(`OrderStore contract: ${name}`, () => {
    let store: OrderStore;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    const order = (): Order =>
      create(OrderSchema, {
        orderId: `ord_${randomUUID()}`,
        customer: { customerId: "c1", name: "Ada", email: "ada@example.com" },
        items: [{ description: "Widget", quantity: 2n, unitPrice: 500n, taxRateBps: 1900 }],
        currency: "EUR",
        locale: "de-DE",
        status: OrderStatus.AWAITING_PAYMENT,
        total: 1190n,
      });
    const payment = (orderId: string, paymentId = `pay_${randomUUID()}`): PaymentRecord => ({
      paymentId,
      orderId,
      amount: 1190n,
      method: PaymentMethod.CARD,
      traceId: "0af7651916cd43dd8448eb211c80319c",
      completedAt: new Date(1_764_000_000_000),
    });
    const event = (msgId: string): OutboxEntry => ({
      msgId,
      subject: "payments.completed.x",
      payload: new Uint8Array([1, 2, 3]),
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    });

    /** `n` orders, each paid, each payment's event queued; their payment ids in order. */
    const paidPayments = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const o = order();
        await store.createOrder(o);
        const p = payment(o.orderId);
        ids.push(p.paymentId);
        await store.completePayment(p, event(p.paymentId));
      }
      return ids;
    };

    it("stores and reads an order", async () => {
      const o = order();
      await store.createOrder(o);
      const read = await store.getOrder(o.orderId);
      assert.equal(read?.orderId, o.orderId);
      assert.equal(read?.total, 1190n);
      assert.equal(read?.items[0]?.description, "Widget");
      assert.equal(await store.getOrder("ord_missing"), undefined);
    });

    it("records a payment, marks the order paid and queues its event together", async () => {
      const o = order();
      await store.createOrder(o);
      const p = payment(o.orderId);
      const result = await store.completePayment(p, event(p.paymentId));
      assert.equal(result.outcome, "recorded");
      assert.equal((await store.getOrder(o.orderId))?.status, OrderStatus.PAID);
      assert.deepEqual(await store.getPayment(p.paymentId), p);
      const pending = await store.pendingOutbox(1000);
      const queued = pending.find((e) => e.msgId === p.paymentId);
      assert.deepEqual(queued, event(p.paymentId));
    });

    it("keeps the first result for a repeated payment id, queuing nothing more", async () => {
      const o = order();
      await store.createOrder(o);
      const p = payment(o.orderId);
      await store.completePayment(p, event(p.paymentId));
      const again = await store.completePayment({ ...p, traceId: "ffffffffffffffffffffffffffffffff" }, event(p.paymentId));
      assert.equal(again.outcome, "duplicate");
      assert.equal(again.outcome === "duplicate" && again.payment.traceId, p.traceId);
      const pending = await store.pendingOutbox(1000);
      assert.equal(pending.filter((e) => e.msgId === p.paymentId).length, 1);
    });

    it("refuses a second payment for a paid order and a payment for no order", async () => {
      const o = order();
      await store.createOrder(o);
      const first = payment(o.orderId);
      await store.completePayment(first, event(first.paymentId));
      const second = payment(o.orderId);
      const result = await store.completePayment(second, event(second.paymentId));
      assert.equal(result.outcome, "order-already-paid");
      assert.equal(await store.getPayment(second.paymentId), undefined);
      const orphan = payment("ord_missing");
      assert.equal((await store.completePayment(orphan, event(orphan.paymentId))).outcome, "order-not-found");
    });

    it("lists pending events oldest first and forgets published ones", async () => {
      const ids = await paidPayments(3);
      const pending = (await store.pendingOutbox(1000)).map((e) => e.msgId).filter((id) => ids.includes(id));
      assert.deepEqual(pending, ids);
      const pendingBefore = await store.countPendingOutbox();
      await store.markPublished(ids.slice(0, 2));
      assert.equal(await store.countPendingOutbox(), pendingBefore - 2);
      const left = (await store.pendingOutbox(1000)).map((e) => e.msgId).filter((id) => ids.includes(id));
      assert.deepEqual(left, ids.slice(2));
    });

    it("puts published events whose documents were never delivered back in the outbox, and only those", async () => {
      const ids = await paidPayments(3);
      await store.markPublished(ids);
      assert.equal(await store.markDelivered(ids[0]!), true);
      assert.equal(await store.markDelivered(ids[0]!), true, "a second report changes nothing");
      assert.equal(await store.markDelivered("pay_unknown"), false);
      // Not old enough yet: nothing moves.
      assert.deepEqual((await store.requeueUndelivered(new Date(Date.now() - 60_000), 100)).filter((id) => ids.includes(id)), []);
      const requeued = (await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id));
      assert.deepEqual(requeued.sort(), ids.slice(1).sort());
      const pending = (await store.pendingOutbox(10_000)).map((e) => e.msgId).filter((id) => ids.includes(id));
      assert.deepEqual(pending.sort(), ids.slice(1).sort(), "pending again, to be published under the same msg id");
      // Pending ones are not requeued twice.
      assert.deepEqual((await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id)), []);
    });

    it("stops putting back an event whose document was given up on, and still takes its delivery later", async () => {
      const ids = await paidPayments(3);
      await store.markPublished(ids);
      assert.equal(await store.markGivenUp(ids[0]!, "renderer refused: pages: must be at most 250"), true);
      assert.equal(await store.markGivenUp(ids[0]!, "a second report"), true, "a second report changes nothing");
      assert.equal(await store.markGivenUp("pay_unknown", "no such event"), false);
      const requeued = (await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id));
      assert.deepEqual(requeued.sort(), ids.slice(1).sort(), "the given-up event stays published");
      // Fixed and replayed by an operator, then delivered: the delivery is recorded, and it
      // is not requeued either way.
      assert.equal(await store.markDelivered(ids[0]!), true);
      await store.markPublished(ids.slice(1));
      await store.markDelivered(ids[1]!);
      await store.markDelivered(ids[2]!);
      assert.deepEqual((await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id)), []);
    });

    it("lets exactly one of many concurrent payments for one order win", async () => {
      const o = order();
      await store.createOrder(o);
      const attempts = Array.from({ length: 8 }, () => payment(o.orderId));
      const results = await Promise.all(attempts.map((p) => store.completePayment(p, event(p.paymentId))));
      assert.equal(results.filter((r) => r.outcome === "recorded").length, 1);
    });

    describe("refunds", () => {
      const paidOrder = async () => {
        const o = order();
        await store.createOrder(o);
        const p = payment(o.orderId);
        await store.completePayment(p, event(p.paymentId));
        return p;
      };
      // One unit per call, refunded against whatever earlier refunds left.
      const oneUnit = (refundId: string) => (context: RefundContext) => {
        const taken = context.earlier.reduce((sum, r) => sum + r.lines[0]!.quantity, 0n);
        if (taken >= context.order.items[0]!.quantity) throw new Error("nothing left");
        const refund: RefundRecord = {
          refundId,
          paymentId: context.payment.paymentId,
          orderId: context.order.orderId,
          lines: [{ itemIndex: 0, quantity: 1n }],
          amount: 595n,
          reason: "broken",
          traceId: "0af7651916cd43dd8448eb211c80319c",
          refundedAt: new Date(),
        };
        return { refund, event: event(`refund:${refundId}`) };
      };

      it("records a refund with its event, once per refund id", async () => {
        const p = await paidOrder();
        const refundId = `ref_${randomUUID()}`;
        const first = await store.recordRefund(refundId, p.paymentId, oneUnit(refundId));
        assert.equal(first.outcome, "recorded");
        const again = await store.recordRefund(refundId, p.paymentId, () => assert.fail("decided twice"));
        assert.equal(again.outcome, "duplicate");
        const read = await store.getRefund(refundId);
        assert.deepEqual(read?.lines, [{ itemIndex: 0, quantity: 1n }]);
        assert.equal(read?.amount, 595n);
        assert.equal(read?.paymentId, p.paymentId);
        const pending = (await store.pendingOutbox(10_000)).filter((e) => e.msgId === `refund:${refundId}`);
        assert.equal(pending.length, 1);
        assert.equal((await store.recordRefund("ref_x", "pay_missing", oneUnit("ref_x"))).outcome, "payment-not-found");
      });

      it("writes nothing when the decision refuses", async () => {
        const p = await paidOrder();
        await assert.rejects(
          store.recordRefund("ref_refused", p.paymentId, () => {
            throw new Error("refused");
          }),
          /refused/,
        );
        assert.equal(await store.getRefund("ref_refused"), undefined);
      });

      it("shows every decision the refunds recorded before it, even when they race", async () => {
        const p = await paidOrder();
        // The order has 2 units: of 6 racing one-unit refunds exactly 2 may be recorded.
        const ids = Array.from({ length: 6 }, () => `ref_${randomUUID()}`);
        const results = await Promise.allSettled(ids.map((id) => store.recordRefund(id, p.paymentId, oneUnit(id))));
        const recorded = results.filter((r) => r.status === "fulfilled" && r.value.outcome === "recorded");
        assert.equal(recorded.length, 2);
        const rest = results.filter((r) => r.status === "rejected");
        assert.equal(rest.length, 4);
      });
    });
  });
}

import { OrderStatus } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OrderStore, PaymentState } from "../payments/order-store.js";
import { event, order, pay, payment } from "./order-store.fixtures.js";
import { outboxContract } from "./outbox.contract.js";
import { refundStoreContract } from "./refund-store.contract.js";

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

    it("stores and reads an order", async () => {
      const o = order();
      await store.createOrder(o);
      const read = await store.getOrder(o.orderId);
      assert.equal(read?.orderId, o.orderId);
      assert.equal(read?.total, 1190n);
      assert.equal(read?.items[0]?.description, "Widget");
      assert.equal(await store.getOrder("ord_missing"), undefined);
    });

    it("hands the decision what it holds of the payment id and the order", async () => {
      const o = order();
      await store.createOrder(o);
      const first = payment(o.orderId);
      await pay(store, first);
      const seen: PaymentState[] = [];
      const look = (paymentId: string) =>
        store.completePayment(paymentId, o.orderId, (state) => {
          seen.push(state);
          return { answer: undefined };
        });
      await look(first.paymentId);
      await look("pay_other");
      assert.deepEqual(seen[0]?.samePayment, first);
      assert.equal(seen[0]?.order?.status, OrderStatus.PAID);
      assert.deepEqual(seen[1]?.orderPayment, first);
      assert.equal(seen[1]?.samePayment, undefined);
    });

    it("records a payment, marks the order paid and queues its event together", async () => {
      const o = order();
      await store.createOrder(o);
      const p = payment(o.orderId);
      const result = await pay(store, p);
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
      await pay(store, p);
      const again = await pay(store, { ...p, traceId: "ffffffffffffffffffffffffffffffff" });
      assert.equal(again.outcome, "duplicate");
      assert.equal(again.outcome === "duplicate" && again.payment.traceId, p.traceId);
      const pending = await store.pendingOutbox(1000);
      assert.equal(pending.filter((e) => e.msgId === p.paymentId).length, 1);
    });

    it("refuses a second payment for a paid order and a payment for no order", async () => {
      const o = order();
      await store.createOrder(o);
      await pay(store, payment(o.orderId));
      const second = payment(o.orderId);
      assert.equal((await pay(store, second)).outcome, "order-already-paid");
      assert.equal(await store.getPayment(second.paymentId), undefined);
      assert.equal((await pay(store, payment("ord_missing"))).outcome, "order-not-found");
    });

    it("lets exactly one of many concurrent payments for one order win", async () => {
      const o = order();
      await store.createOrder(o);
      const results = await Promise.all(Array.from({ length: 8 }, () => pay(store, payment(o.orderId))));
      assert.equal(results.filter((r) => r.outcome === "recorded").length, 1);
      assert.equal(results.filter((r) => r.outcome === "order-already-paid").length, 7);
    });

    outboxContract(() => store);
    refundStoreContract(() => store);
  });
}

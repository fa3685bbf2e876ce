import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import type { OrderStore } from "../payments/order-store.js";
import { RefundRefused } from "../payments/refund-errors.js";
import { order, pay, payment, refundOneUnit } from "./order-store.fixtures.js";

/** The refund part of the OrderStore contract: a refund and its event in one atomic step, decided against every earlier one. */
export function refundStoreContract(storeOf: () => OrderStore): void {
  describe("refunds", () => {
    const paidOrder = async () => {
      const store = storeOf();
      const o = order();
      await store.createOrder(o);
      const p = payment(o.orderId);
      await pay(store, p);
      return p;
    };

    it("records a refund with its event, once per refund id", async () => {
      const store = storeOf();
      const p = await paidOrder();
      const refundId = `ref_${randomUUID()}`;
      assert.equal((await refundOneUnit(store, refundId, p.paymentId)).outcome, "recorded");
      assert.equal((await refundOneUnit(store, refundId, p.paymentId)).outcome, "duplicate");
      const read = await store.getRefund(refundId);
      assert.deepEqual(read?.lines, [{ itemIndex: 0, quantity: 1n }]);
      assert.equal(read?.amount, 595n);
      assert.equal(read?.paymentId, p.paymentId);
      const pending = (await store.pendingOutbox(10_000)).filter((e) => e.msgId === `refund:${refundId}`);
      assert.equal(pending.length, 1);
      assert.equal((await refundOneUnit(store, "ref_x", "pay_missing")).outcome, "payment-not-found");
    });

    it("writes nothing when the decision refuses", async () => {
      const store = storeOf();
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
      const store = storeOf();
      const p = await paidOrder();
      // The order has 2 units: of 6 racing one-unit refunds exactly 2 may be recorded.
      const ids = Array.from({ length: 6 }, () => `ref_${randomUUID()}`);
      const results = await Promise.allSettled(ids.map((id) => refundOneUnit(store, id, p.paymentId)));
      const recorded = results.filter((r) => r.status === "fulfilled" && r.value.outcome === "recorded");
      assert.equal(recorded.length, 2);
      const refused = results.filter((r) => r.status === "rejected" && r.reason instanceof RefundRefused);
      assert.equal(refused.length, 4);
    });
  });
}

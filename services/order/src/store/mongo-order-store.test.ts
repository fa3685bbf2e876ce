import { OrderStatus } from "@invoicing/contracts/invoicing/order/v1/order_pb";
import { cannotConfirmOnFerretDb, isFerretDb, mongoContract } from "@invoicing/local-stack/mongo-contract";
import { toInt64 } from "@invoicing/service-kit/storage";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Binary, ObjectId } from "mongodb";
import type { OrderStore } from "../payments/order-store.js";
import { RefundRefused } from "../payments/refund-errors.js";
import type { LegacyOutboxDoc } from "./mongo-legacy-outbox.js";
import { type LegacyRefundDoc, orderDoc, type PaymentDoc, paymentDoc } from "./mongo-order-documents.js";
import { MongoOrderStore } from "./mongo-order-store.js";
import { event, order, paidPayments, pay, payment, refundOneUnit } from "./order-store.fixtures.js";

// What only the MongoDB adapter has: the old adapter's documents, the window between a
// payment's insert and its order's PAID copy, and the limits of the server the tests run on.

/** FerretDB answers buildInfo with its own version beside MongoDB's. */

mongoContract("MongoOrderStore: mongodb", (connect) => {
  describe("MongoOrderStore: mongodb", () => {
    it("reads what the old, transactional adapter wrote, in its own shape", async () => {
      const { db } = await connect();
      const o = { ...order(), status: OrderStatus.PAID };
      const p = payment(o.orderId);
      // As the old adapter left a paid order with one refunded unit: order marked in the same
      // transaction, payment without an event, its event and the refund's in `outbox`.
      await db.collection("orders").insertOne(orderDoc(o));
      const { paid_order_pb: _, event: __, ...oldPayment } = paymentDoc(p, o, event(p.paymentId));
      await db.collection<PaymentDoc>("payments").insertOne({ ...oldPayment, refund_count: 1 });
      const legacyRefund: LegacyRefundDoc = {
        refund_id: `ref_${randomUUID()}`,
        payment_id: p.paymentId,
        order_id: o.orderId,
        lines: [{ item_index: 0, quantity: toInt64(1n) }],
        amount: toInt64(595n),
        reason: "broken",
        trace_id: p.traceId,
        refunded_at: new Date(1_764_000_100_000),
      };
      await db.collection<LegacyRefundDoc>("refunds").insertOne(legacyRefund);
      const oldEvent: LegacyOutboxDoc = {
        _id: new ObjectId(),
        msg_id: p.paymentId,
        subject: "payments.completed.x",
        payload: new Binary(new Uint8Array([1, 2, 3])),
        traceparent: event(p.paymentId).traceparent,
        published_at: null,
        delivered_at: null,
      };
      await db.collection<LegacyOutboxDoc>("outbox").insertOne(oldEvent);

      const store = await MongoOrderStore.open(db);
      await MongoOrderStore.open(db); // opening twice, as a second worker does, changes nothing
      assert.equal((await store.getOrder(o.orderId))?.status, OrderStatus.PAID);
      assert.deepEqual(await store.getPayment(p.paymentId), p);
      assert.equal((await store.getRefund(legacyRefund.refund_id))?.amount, 595n);
      assert.deepEqual(
        (await store.pendingOutbox(10_000)).filter((e) => e.msgId === p.paymentId),
        [event(p.paymentId)],
      );
      await store.markPublished([p.paymentId]);
      assert.equal((await store.pendingOutbox(10_000)).filter((e) => e.msgId === p.paymentId).length, 0);
      assert.equal(await store.markDelivered(p.paymentId), true);
      // The old refund counts: of the order's two units one is left.
      assert.equal((await refundOneUnit(store, `ref_${randomUUID()}`, p.paymentId)).outcome, "recorded");
      await assert.rejects(refundOneUnit(store, `ref_${randomUUID()}`, p.paymentId), RefundRefused);
      assert.equal((await pay(store, payment(o.orderId))).outcome, "order-already-paid");
    });

    it("answers an order whose payment went in but whose PAID copy did not (a crash between) as paid", async () => {
      const { db } = await connect();
      const store = await MongoOrderStore.open(db);
      const o = order();
      await store.createOrder(o);
      const p = payment(o.orderId);
      // The payment's insert alone, as a process killed right after it leaves it.
      await db.collection<PaymentDoc>("payments").insertOne(paymentDoc(p, { ...o, status: OrderStatus.PAID }, event(p.paymentId)));
      assert.equal((await db.collection("orders").findOne({ order_id: o.orderId }))?.status, OrderStatus.AWAITING_PAYMENT);
      assert.equal((await store.getOrder(o.orderId))?.status, OrderStatus.PAID);
      assert.equal((await pay(store, p)).outcome, "duplicate");
      assert.equal((await pay(store, payment(o.orderId))).outcome, "order-already-paid");
      assert.equal((await store.pendingOutbox(10_000)).filter((e) => e.msgId === p.paymentId).length, 1);
    });

    it("keeps a delivery report that races the reconciler's requeue of the same events", async (t) => {
      const { db } = await connect();
      const store = await MongoOrderStore.open(db);
      const ids = await paidPayments(store, 20);
      await store.markPublished(ids);
      await Promise.all([...ids.map((id) => store.markDelivered(id)), store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)]);
      // Whatever the order, every delivery stands: a delivered event is never requeued again.
      await store.markPublished(ids);
      const requeued = (await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id));
      if (await isFerretDb(db)) {
        cannotConfirmOnFerretDb(
          t,
          "a delivery or give-up report racing a requeue is kept only because MongoDB applies " +
            "each $set to one document atomically; FerretDB reads and writes the document back, so this run shows the " +
            `code path, not the guarantee (${requeued.length} of ${ids.length} deliveries lost here)`,
        );
        return;
      }
      assert.deepEqual(requeued, []);
    });

    it("lets one of racing payments in by its insert alone, the payment and its event in one document", async (t) => {
      const { db } = await connect();
      const store = await MongoOrderStore.open(db);
      const o = order();
      await store.createOrder(o);
      let decisions = 0;
      // The store as pay sees it, counting the decisions it is asked to take.
      const counting = {
        completePayment: (paymentId, orderId, decide) =>
          store.completePayment(paymentId, orderId, (state) => {
            decisions++;
            return decide(state);
          }),
      } satisfies Pick<OrderStore, "completePayment">;
      const results = await Promise.all(Array.from({ length: 8 }, () => pay(counting as unknown as OrderStore, payment(o.orderId))));
      const winner = results.find((r) => r.outcome === "recorded");
      assert.ok(winner?.outcome === "recorded");
      const docs = await db.collection<PaymentDoc>("payments").find({ order_id: o.orderId }).toArray();
      assert.equal(docs.length, 1);
      assert.equal(docs[0]?.payment_id, winner.payment.paymentId);
      assert.equal(docs[0]?.event?.msg_id, winner.payment.paymentId);
      assert.ok(decisions >= 8);
      t.diagnostic(
        `${decisions} decisions for 8 racing payments: ${decisions - 8} after a duplicate key (an insert under a unique index, which FerretDB checks too)`,
      );
    });

    it("decides a refund that lost its sequence race again on the winner's refund", async (t) => {
      const { db } = await connect();
      const store = await MongoOrderStore.open(db);
      const o = order();
      await store.createOrder(o);
      const p = payment(o.orderId);
      await pay(store, p);
      let decisions = 0;
      // The store as refundOneUnit sees it, counting the decisions it is asked to take.
      const counting = {
        recordRefund: (refundId, paymentId, decide) =>
          store.recordRefund(refundId, paymentId, (state) => {
            decisions++;
            return decide(state);
          }),
      } satisfies Pick<OrderStore, "recordRefund">;
      const racing = Array.from({ length: 6 }, () => refundOneUnit(counting as unknown as OrderStore, `ref_${randomUUID()}`, p.paymentId));
      const results = await Promise.allSettled(racing);
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 2);
      assert.equal(results.filter((r) => r.status === "rejected" && r.reason instanceof RefundRefused).length, 4);
      const sequences = await db
        .collection("sequenced_refunds")
        .find({ payment_id: p.paymentId })
        .sort({ sequence: 1 })
        .map((doc) => doc.sequence as number)
        .toArray();
      assert.deepEqual(sequences, [1, 2]);
      // Six calls decide at least six times; every decision past that is a lost race decided again.
      assert.ok(decisions >= 6);
      t.diagnostic(`${decisions} decisions for 6 racing refunds: ${decisions - 6} after a duplicate key`);
    });
  });
});

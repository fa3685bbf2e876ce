import assert from "node:assert/strict";
import { it } from "node:test";
import type { OrderStore } from "../payments/order-store.js";
import { paidPayments } from "./order-store.fixtures.js";

/** The outbox part of the OrderStore contract: publishing, delivery reports, reconciliation. */
export function outboxContract(storeOf: () => OrderStore): void {
  it("lists pending events oldest first and forgets published ones", async () => {
    const store = storeOf();
    const ids = await paidPayments(store, 3);
    const pending = (await store.pendingOutbox(1000)).map((e) => e.msgId).filter((id) => ids.includes(id));
    assert.deepEqual(pending, ids);
    const pendingBefore = await store.countPendingOutbox();
    await store.markPublished(ids.slice(0, 2));
    assert.equal(await store.countPendingOutbox(), pendingBefore - 2);
    const left = (await store.pendingOutbox(1000)).map((e) => e.msgId).filter((id) => ids.includes(id));
    assert.deepEqual(left, ids.slice(2));
  });

  it("puts published events whose documents were never delivered back in the outbox, and only those", async () => {
    const store = storeOf();
    const ids = await paidPayments(store, 3);
    await store.markPublished(ids);
    assert.equal(await store.markDelivered(ids[0]!), true);
    assert.equal(await store.markDelivered(ids[0]!), true, "a second report changes nothing");
    assert.equal(await store.markDelivered("pay_unknown"), false);
    // Not old enough yet: nothing moves.
    assert.deepEqual(
      (await store.requeueUndelivered(new Date(Date.now() - 60_000), 100)).filter((id) => ids.includes(id)),
      [],
    );
    const requeued = (await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id));
    assert.deepEqual(requeued.sort(), ids.slice(1).sort());
    const pending = (await store.pendingOutbox(10_000)).map((e) => e.msgId).filter((id) => ids.includes(id));
    assert.deepEqual(pending.sort(), ids.slice(1).sort(), "pending again, to be published under the same msg id");
    // Pending ones are not requeued twice.
    assert.deepEqual(
      (await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id)),
      [],
    );
  });

  it("stops putting back an event whose document was given up on, and still takes its delivery later", async () => {
    const store = storeOf();
    const ids = await paidPayments(store, 3);
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
    assert.deepEqual(
      (await store.requeueUndelivered(new Date(Date.now() + 1_000), 10_000)).filter((id) => ids.includes(id)),
      [],
    );
  });
}

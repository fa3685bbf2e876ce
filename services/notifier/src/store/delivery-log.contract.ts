import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Delivery, DeliveryLog } from "../delivery/delivery-log.js";

/** The behaviour every DeliveryLog adapter must show; run once per adapter. */
export function deliveryLogContract(name: string, open: () => Promise<DeliveryLog>): void {
  describe(`DeliveryLog contract: ${name}`, () => {
    let log: DeliveryLog;
    before(async () => {
      log = await open();
    });
    after(async () => {
      await log.close();
    });

    const delivery = (invoiceId = `inv_${randomUUID()}`): Delivery => ({
      invoiceId,
      channel: "smtp",
      reference: `<${randomUUID()}@invoicing.local>`,
      deliveredAt: new Date(1_764_000_000_000),
    });

    it("knows nothing of an invoice before it is recorded", async () => {
      assert.equal(await log.get(`inv_${randomUUID()}`), undefined);
    });

    it("returns a recorded delivery as it was recorded", async () => {
      const d = delivery();
      await log.record(d);
      assert.deepEqual(await log.get(d.invoiceId), d);
    });

    it("keeps the first record when an invoice is recorded twice", async () => {
      const first = delivery();
      await log.record(first);
      await log.record({ ...delivery(first.invoiceId), channel: "outbox-file", deliveredAt: new Date() });
      assert.deepEqual(await log.get(first.invoiceId), first);
    });

    it("lets one holder claim an invoice at a time, until its lease runs out or it lets go", async () => {
      const id = `inv_${randomUUID()}`;
      const t0 = new Date(1_764_000_000_000);
      const at = (ms: number) => new Date(t0.getTime() + ms);
      assert.deepEqual(await log.claim(id, "a", t0, 60_000), { state: "claimed" });
      assert.deepEqual(await log.claim(id, "b", at(1_000), 60_000), { state: "held", holder: "a", until: at(60_000) });
      // The holder's own retry keeps the claim.
      assert.deepEqual(await log.claim(id, "a", at(2_000), 60_000), { state: "claimed" });
      // Past the lease (a holder that died), another may take it.
      assert.deepEqual(await log.claim(id, "b", at(62_001), 60_000), { state: "claimed" });
      assert.equal((await log.claim(id, "a", at(62_002), 60_000)).state, "held");
      // Let go after a failed send: the next attempt need not wait.
      await log.release(id, "a"); // not a's to release: nothing changes
      assert.equal((await log.claim(id, "a", at(62_003), 60_000)).state, "held");
      await log.release(id, "b");
      assert.deepEqual(await log.claim(id, "a", at(62_004), 60_000), { state: "claimed" });
    });

    it("answers delivered once recorded, whoever asks", async () => {
      const d = delivery();
      const now = new Date(1_764_000_000_000);
      assert.equal((await log.claim(d.invoiceId, "a", now, 60_000)).state, "claimed");
      await log.record(d);
      assert.deepEqual(await log.claim(d.invoiceId, "b", now, 60_000), { state: "delivered", delivery: d });
      assert.deepEqual(await log.claim(d.invoiceId, "a", now, 60_000), { state: "delivered", delivery: d });
    });

    it("gives a claim to exactly one of many racing holders", async () => {
      const id = `inv_${randomUUID()}`;
      const now = new Date();
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => log.claim(id, `h${i}`, now, 60_000)));
      assert.equal(claims.filter((c) => c.state === "claimed").length, 1);
    });
  });
}

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Delivery, DeliveryLog } from "./delivery-log.js";

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
  });
}

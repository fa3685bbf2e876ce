import { createLogger } from "@invoicing/service-kit/observability";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { paidPayments } from "../store/order-store.fixtures.js";
import { SqliteOrderStore } from "../store/sqlite-order-store.js";
import { Reconciler } from "./reconciler.js";

// The reconciler's rule against the real SQLite store: what was published long enough ago and
// never reported delivered (nor given up on) goes out again, and the relay is woken for it.

describe("Reconciler", () => {
  it("puts back only the events past the wait with no delivery or failure report, and wakes the relay", async () => {
    const store = new SqliteOrderStore(join(mkdtempSync(join(tmpdir(), "reconciler-")), "order.sqlite"));
    const [delivered, givenUp, lost] = await paidPayments(store, 3);
    await store.markPublished([delivered!, givenUp!, lost!]);
    await store.markDelivered(delivered!);
    await store.markGivenUp(givenUp!, "renderer refused");
    let wakes = 0;
    const sweepAfter = (afterMs: number) =>
      new Reconciler({
        store,
        wakeRelay: () => wakes++,
        afterMs,
        intervalMs: 60_000,
        logger: createLogger("reconciler-test", "silent"),
      }).sweep();

    assert.equal(await sweepAfter(60_000), 0, "published just now: not yet");
    assert.equal(wakes, 0);
    assert.equal(await sweepAfter(-1_000), 1);
    assert.equal(wakes, 1);
    assert.deepEqual(
      (await store.pendingOutbox(10)).map((e) => e.msgId),
      [lost],
    );
    assert.equal(await sweepAfter(-1_000), 0, "pending again: not put back twice");
    await store.close();
  });
});

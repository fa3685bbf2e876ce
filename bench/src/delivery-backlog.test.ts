import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DeliveryBacklog } from "./delivery-backlog.js";

describe("mails behind READY", () => {
  it("owes a mail from READY until it is delivered, whichever event this side sees first", async () => {
    const backlog = new DeliveryBacklog();
    backlog.ready("inv_1");
    backlog.ready("inv_2");
    backlog.delivered("inv_3"); // its READY still on the way
    assert.equal(backlog.size, 2);
    backlog.delivered("inv_1");
    backlog.ready("inv_3");
    assert.equal(backlog.size, 1);
    assert.equal(await backlog.drained(150), false);
    backlog.delivered("inv_2");
    assert.equal(backlog.size, 0);
    assert.equal(backlog.deliveries, 3);
    assert.equal(await backlog.drained(0), true);
  });

  it("counts a redelivered mail once", () => {
    const backlog = new DeliveryBacklog();
    backlog.ready("inv_1");
    backlog.delivered("inv_1");
    backlog.delivered("inv_1");
    backlog.ready("inv_2");
    assert.equal(backlog.size, 1);
    assert.equal(backlog.deliveries, 1);
  });
});

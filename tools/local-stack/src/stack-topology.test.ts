import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { processNames } from "./stack-topology.js";

describe("stack topology", () => {
  it("names one process after its service, and numbers them when scaled out", () => {
    assert.deepEqual(processNames("renderer", {}), ["renderer"]);
    assert.deepEqual(processNames("renderer", { renderers: 3 }), ["renderer-1", "renderer-2", "renderer-3"]);
    assert.deepEqual(processNames("invoice", { invoiceWorkers: 2, renderers: 3 }), ["invoice-1", "invoice-2"]);
    assert.deepEqual(processNames("order", { renderers: 3 }), ["order"]);
  });

  it("starts nothing of a service left out, and refuses a count below one", () => {
    assert.deepEqual(processNames("notifier", { services: ["order", "renderer"] }), []);
    assert.throws(() => processNames("invoice", { invoiceWorkers: 0 }), /invoice count must be a whole number of at least 1, got 0/);
  });
});

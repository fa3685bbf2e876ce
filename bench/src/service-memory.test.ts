import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryChange, serviceMemoryOver } from "./service-memory.js";

describe("service memory over the pipeline run", () => {
  it("pairs each service's start and end readings in the order they were read", () => {
    const start = new Map([
      ["order", 100],
      ["nats-server", 40],
    ]);
    const end = new Map([
      ["nats-server", 50],
      ["order", 104],
    ]);
    assert.deepEqual(serviceMemoryOver(start, end), [
      { name: "order", startBytes: 100, endBytes: 104 },
      { name: "nats-server", startBytes: 40, endBytes: 50 },
    ]);
  });

  it("gives growth as a fraction of the start, shrinking as negative", () => {
    assert.ok(Math.abs(memoryChange({ startBytes: 100, endBytes: 110 }) - 0.1) < 1e-12);
    assert.equal(memoryChange({ startBytes: 200, endBytes: 150 }), -0.25);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryChange } from "./service-memory.js";

describe("memory change", () => {
  it("gives growth as a fraction of the start, shrinking as negative", () => {
    assert.ok(Math.abs(memoryChange({ startBytes: 100, endBytes: 110 }) - 0.1) < 1e-12);
    assert.equal(memoryChange({ startBytes: 200, endBytes: 150 }), -0.25);
  });
});

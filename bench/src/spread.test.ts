import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatSpread, spreadOf } from "./spread.js";

describe("spread over rounds", () => {
  it("takes min, median and max whatever the order of the rounds", () => {
    assert.deepEqual(spreadOf([74, 70.5, 75.25]), { min: 70.5, median: 74, max: 75.25 });
    assert.deepEqual(spreadOf([3]), { min: 3, median: 3, max: 3 });
  });

  it("is not a number at all when there were no rounds, rather than a made-up zero", () => {
    const none = spreadOf([]);
    assert.ok(Number.isNaN(none.min) && Number.isNaN(none.median) && Number.isNaN(none.max));
  });

  it("prints the median first and the range in parentheses", () => {
    assert.equal(formatSpread({ min: 70.51, median: 74, max: 75.25 }, 1, "/s"), "74.0/s (70.5–75.3)");
    assert.equal(formatSpread({ min: 0.84, median: 0.856, max: 0.87 }, 3), "0.856 (0.840–0.870)");
  });
});

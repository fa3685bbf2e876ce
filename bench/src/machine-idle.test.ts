import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeIdle, IDLE_LIMIT, idleVerdict } from "./machine-idle.js";

describe("idle check before the run", () => {
  it("calls a machine idle up to the limit's share of one core, and busy past it", () => {
    assert.equal(idleVerdict(0.3, 3).idle, true); // 10% of a core
    assert.equal(idleVerdict(IDLE_LIMIT * 3, 3).idle, true);
    assert.equal(idleVerdict(0.6, 3).idle, false); // 20% of a core
    assert.equal(idleVerdict(3, 3).idle, false); // another benchmark on one of the cores
    assert.equal(idleVerdict(0.6, 3, 0.25).idle, true);
  });

  it("says how busy the machine was either way, and warns when it was not idle", () => {
    assert.equal(describeIdle(idleVerdict(0.09, 3)), "machine idle: 3% of a core busy over 3 s before the run");
    const busy = describeIdle(idleVerdict(1.35, 3));
    assert.match(busy, /^WARNING: machine not idle: 45% of a core busy over 3 s before the run \(limit 15%\)/);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NEVER_RECYCLE, recycleReason } from "./recycle-policy.js";

const MiB = 2 ** 20;

describe("recycleReason", () => {
  it("recycles once the browser has done its renders", () => {
    const policy = { afterRenders: 6, maxBrowserBytes: 0, memoryCheckEvery: 50 };
    assert.equal(
      recycleReason(policy, 5, () => 0),
      undefined,
    );
    assert.equal(
      recycleReason(policy, 6, () => 0),
      "6 renders",
    );
  });

  it("recycles past the memory bound, reading memory only every memoryCheckEvery renders", () => {
    const policy = { afterRenders: 0, maxBrowserBytes: 1024 * MiB, memoryCheckEvery: 50 };
    let reads = 0;
    const bytes = () => {
      reads++;
      return 1500 * MiB;
    };
    for (let renders = 1; renders < 50; renders++) assert.equal(recycleReason(policy, renders, bytes), undefined);
    assert.equal(reads, 0, "no /proc scan between checks");
    assert.equal(recycleReason(policy, 50, bytes), "browser memory 1500 MiB");
    assert.equal(
      recycleReason(policy, 100, () => 1024 * MiB),
      undefined,
      "at the bound itself it keeps the browser",
    );
  });

  it("never recycles with both bounds off", () => {
    assert.equal(
      recycleReason(NEVER_RECYCLE, 1_000_000, () => 64 * 1024 * MiB),
      undefined,
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cpuSpreadByPart, ownCpuSpread, type PartRun, rateSpread, ratioSpread, totalCpuSpread } from "./round-spreads.js";

const REST = "Chromium and the rest of the machine";
const run = (perSecond: number, node: number, client: number, rest: number): PartRun => ({
  perSecond,
  cpu: [
    { name: "renderer's Node", ms: node },
    { name: "client", ms: client },
    { name: REST, ms: rest },
  ],
});

describe("figures of interleaved rounds", () => {
  it("takes a ratio within each round before its spread, not the ratio of the medians", () => {
    // The machine was slow in round 2 for both: per round the ratio hardly moves.
    const a = [run(100, 0, 0, 20), run(50, 0, 0, 40), run(90, 0, 0, 22)];
    const c = [run(90, 5, 2, 21), run(45, 5, 2, 42), run(81, 5, 2, 23)];
    assert.deepEqual(ratioSpread(c, a), { min: 0.9, median: 0.9, max: 0.9 });
    assert.deepEqual(rateSpread(c), { min: 45, median: 81, max: 90 });
  });

  it("refuses a ratio of rounds that do not pair up", () => {
    assert.throws(() => ratioSpread([run(1, 0, 0, 0)], []), /as many rounds/);
  });

  it("spreads each part's CPU over the rounds, a part missing from a round counting as none", () => {
    const runs = [run(90, 5, 2, 21), run(80, 6, 1, 25), { perSecond: 85, cpu: [{ name: "renderer's Node", ms: 4 }] }];
    assert.deepEqual(cpuSpreadByPart(runs), [
      { name: "renderer's Node", spread: { min: 4, median: 5, max: 6 } },
      { name: "client", spread: { min: 0, median: 1, max: 2 } },
      { name: REST, spread: { min: 0, median: 21, max: 25 } },
    ]);
  });

  it("sums our own parts within each round, leaving out the rest of the machine", () => {
    const runs = [run(90, 5, 2, 21), run(80, 6, 3, 25), run(85, 4, 1, 30)];
    assert.deepEqual(ownCpuSpread(runs, REST), { min: 5, median: 7, max: 9 });
    assert.deepEqual(totalCpuSpread(runs), { min: 28, median: 34, max: 35 });
  });
});

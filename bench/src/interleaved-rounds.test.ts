import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { interleavedRounds, roundOrder } from "./interleaved-rounds.js";

describe("interleaved rounds", () => {
  it("starts each round one part later, so no part always follows the same one", () => {
    assert.deepEqual(roundOrder(["a", "c", "d"], 0), ["a", "c", "d"]);
    assert.deepEqual(roundOrder(["a", "c", "d"], 1), ["c", "d", "a"]);
    assert.deepEqual(roundOrder(["a", "c", "d"], 2), ["d", "a", "c"]);
    assert.deepEqual(roundOrder(["a", "c", "d"], 3), ["a", "c", "d"]);
  });

  it("runs every part once a round and keeps each part's runs in round order", async () => {
    const ran: string[] = [];
    const part = (name: string) => async () => {
      ran.push(name);
      return { perSecond: ran.length, cpu: [{ name: "x", ms: 1 }] };
    };
    const runs = await interleavedRounds(2, { a: part("a"), d: part("d") }, () => {});
    assert.deepEqual(ran, ["a", "d", "d", "a"]);
    assert.deepEqual(
      runs.a.map((run) => run.perSecond),
      [1, 4],
    );
    assert.deepEqual(
      runs.d.map((run) => run.perSecond),
      [2, 3],
    );
  });
});

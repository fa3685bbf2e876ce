import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MongoServerError } from "mongodb";
import { decideByInsert } from "./mongo-decision-insert.js";

const duplicateKey = () => new MongoServerError({ message: "E11000 duplicate key error", code: 11000 });

describe("decideByInsert", () => {
  it("decides again on a fresh read after a duplicate key, and answers what that decision says", async () => {
    let reads = 0;
    const answer = await decideByInsert(
      async () => ++reads,
      (read) => (read === 1 ? { answer: "recorded", write: read } : { answer: "already-paid" }),
      async () => {
        throw duplicateKey();
      },
    );
    assert.equal(answer, "already-paid");
    assert.equal(reads, 2);
  });

  it("writes the decision once when no racer is in the way", async () => {
    const written: number[] = [];
    const answer = await decideByInsert(
      async () => 7,
      (n) => ({ answer: n * 2, write: n }),
      async (write) => {
        written.push(write);
      },
    );
    assert.equal(answer, 14);
    assert.deepEqual(written, [7]);
  });

  it("passes any other error on, without deciding again", async () => {
    let decisions = 0;
    await assert.rejects(
      decideByInsert(
        async () => 0,
        () => ({ answer: ++decisions, write: 1 }),
        async () => {
          throw new Error("network down");
        },
      ),
      /network down/,
    );
    assert.equal(decisions, 1);
  });

  it("gives up after losing too many races in a row", async () => {
    let decisions = 0;
    await assert.rejects(
      decideByInsert(
        async () => 0,
        () => ({ answer: ++decisions, write: 1 }),
        async () => {
          throw duplicateKey();
        },
      ),
      (error: unknown) => error instanceof MongoServerError && error.code === 11000,
    );
    assert.equal(decisions, 65);
  });
});

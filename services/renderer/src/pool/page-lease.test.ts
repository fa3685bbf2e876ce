import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PoolClosedError, QueueFullError } from "../rendering/render-errors.js";
import { PageLease } from "./page-lease.js";

// Pages are plain names here: the lease's rules hold whatever a page is.

/** A piece of work that ends when the test says so. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

function leaseOf(pages: string[], queueLimit: number, unusable = new Set<string>()) {
  const discarded: string[] = [];
  const lease = new PageLease<string>({ queueLimit, usable: (page) => !unusable.has(page), discard: (page) => void discarded.push(page) });
  for (const page of pages) lease.offer(page);
  return { lease, discarded, unusable };
}

describe("PageLease", () => {
  it("refuses a render past the queue bound, naming the depth, and takes it again once there is room", async () => {
    const { lease } = leaseOf(["p1"], 2);
    const held = gate();
    const running = lease.run(() => held.promise);
    const queued = [lease.run(async () => "a"), lease.run(async () => "b")];
    await turn();
    assert.equal(lease.queueDepth, 2);
    await assert.rejects(
      lease.run(async () => "c"),
      (error: unknown) => error instanceof QueueFullError && error.depth === 2,
    );
    held.open();
    await running;
    assert.deepEqual(await Promise.all(queued), ["a", "b"]);
    assert.equal(await lease.run(async () => "d"), "d");
  });

  it("refuses at once with a queue bound of 0 and no page free", async () => {
    const { lease } = leaseOf(["p1"], 0);
    const held = gate();
    const running = lease.run(() => held.promise);
    await assert.rejects(
      lease.run(async () => undefined),
      QueueFullError,
    );
    held.open();
    await running;
  });

  it("serves those waiting in the order they came", async () => {
    const { lease } = leaseOf(["p1"], 10);
    const held = gate();
    const order: number[] = [];
    const first = lease.run(() => held.promise);
    const waiting = [1, 2, 3, 4].map((n) => lease.run(async () => void order.push(n)));
    held.open();
    await Promise.all([first, ...waiting]);
    assert.deepEqual(order, [1, 2, 3, 4]);
  });

  it("ends the lease when the work fails: the error goes to its caller, the page to the next in line", async () => {
    const { lease } = leaseOf(["p1"], 10);
    const held = gate();
    const failing = lease.run(() => held.promise);
    const next = lease.run(async (page) => page);
    held.fail(new Error("printing failed"));
    await assert.rejects(failing, /printing failed/);
    assert.equal(await next, "p1");
    assert.equal(lease.leased, 0);
  });

  it("keeps a page out when its render says so, until it is offered again", async () => {
    const { lease } = leaseOf(["p1"], 10);
    await lease.run(
      async () => undefined,
      () => "keep",
    );
    const next = lease.run(async (page) => page);
    await turn();
    assert.equal(lease.queueDepth, 1, "the kept page is not handed out");
    lease.offer("p1-fresh");
    assert.equal(await next, "p1-fresh");
  });

  it("discards a page that went bad, as it is offered and as it is taken idle", async () => {
    const { lease, discarded, unusable } = leaseOf(["p1", "p2"], 10);
    unusable.add("p2");
    assert.equal(await lease.run(async (page) => page), "p1");
    assert.deepEqual(discarded, ["p2"]);
    lease.offer("p3");
    unusable.add("p1");
    lease.offer("p1");
    assert.equal(await lease.run(async (page) => page), "p3");
    assert.deepEqual(discarded, ["p2", "p1"]);
  });

  it("hands idle pages over when their browser is replaced", () => {
    const { lease } = leaseOf(["p1", "p2"], 10);
    assert.deepEqual(lease.takeIdle().sort(), ["p1", "p2"]);
    assert.deepEqual(lease.takeIdle(), []);
  });

  it("closes: refuses those waiting and every later render, and drains the renders running", async () => {
    const { lease } = leaseOf(["p1"], 10);
    const held = gate<string>();
    const running = lease.run(() => held.promise);
    const waiting = lease.run(async () => "never");
    let closed = false;
    const closing = lease.close().then(() => (closed = true));
    await assert.rejects(waiting, PoolClosedError);
    await assert.rejects(
      lease.run(async () => "later"),
      PoolClosedError,
    );
    await turn();
    assert.equal(closed, false, "close waits for the render still running");
    held.open("pdf");
    assert.equal(await running, "pdf");
    await closing;
    assert.equal(closed, true);
    await lease.close();
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withDeadline } from "./render-deadline.js";
import { RenderTimeoutError } from "./render-errors.js";

describe("withDeadline", () => {
  it("gives the work's result when it ends in time, without calling onTimeout", async () => {
    let timedOut = false;
    assert.equal(await withDeadline(Promise.resolve("pdf"), 1_000, () => (timedOut = true)), "pdf");
    assert.equal(timedOut, false);
  });

  it("passes the work's own failure through", async () => {
    await assert.rejects(
      withDeadline(Promise.reject(new Error("printing failed")), 1_000, () => undefined),
      /printing failed/,
    );
  });

  it("fails with RenderTimeoutError once the deadline passes, after telling onTimeout", async () => {
    const events: string[] = [];
    let fail!: (error: Error) => void;
    const work = new Promise<string>((_, reject) => (fail = reject));
    await assert.rejects(
      withDeadline(work, 20, () => events.push("timeout")),
      (error: unknown) => error instanceof RenderTimeoutError && error.timeoutMs === 20 && events.includes("timeout"),
    );
    // The work fails later: not reported, so no unhandled rejection ends the test run.
    fail(new Error("late"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, ["timeout"]);
  });
});

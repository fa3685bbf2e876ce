import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { processesToStop } from "./memory-watch.js";

const MiB = 2 ** 20;

describe("processesToStop", () => {
  it("stops every renderer above the per-render bound, naming the variable", () => {
    const stop = processesToStop(
      [
        { pid: 1, bytes: 100 * MiB },
        { pid: 2, bytes: 600 * MiB },
        { pid: 3, bytes: 513 * MiB },
      ],
      0,
      { perRenderBytes: 512 * MiB, totalBytes: 0 },
    );
    assert.deepEqual(
      stop.map((s) => s.pid),
      [2, 3],
    );
    assert.match(stop[0]!.reason, /600 MiB, more than RENDER_PAGE_MEMORY_MB \(512 MiB\)/);
  });

  it("stops nothing at the bound itself or with no bound", () => {
    assert.deepEqual(processesToStop([{ pid: 1, bytes: 512 * MiB }], 0, { perRenderBytes: 512 * MiB, totalBytes: 0 }), []);
    assert.deepEqual(processesToStop([{ pid: 1, bytes: 8192 * MiB }], 8192 * MiB, { perRenderBytes: 0, totalBytes: 0 }), []);
  });

  it("over the total, stops the largest renderers until the rest fits", () => {
    const stop = processesToStop(
      [
        { pid: 1, bytes: 300 * MiB },
        { pid: 2, bytes: 400 * MiB },
        { pid: 3, bytes: 350 * MiB },
      ],
      // Node and the browser's own processes.
      700 * MiB,
      { perRenderBytes: 512 * MiB, totalBytes: 1536 * MiB },
    );
    // 1750 MiB in all: without pid 2 it is 1350.
    assert.deepEqual(
      stop.map((s) => s.pid),
      [2],
    );
    assert.match(stop[0]!.reason, /1750 MiB in all, more than RENDER_MEMORY_LIMIT_MB \(1536 MiB\).*largest \(400 MiB\)/);
  });

  it("counts a renderer stopped for its own bound out of the total", () => {
    const stop = processesToStop(
      [
        { pid: 1, bytes: 900 * MiB },
        { pid: 2, bytes: 300 * MiB },
      ],
      500 * MiB,
      { perRenderBytes: 512 * MiB, totalBytes: 1000 * MiB },
    );
    assert.deepEqual(
      stop.map((s) => s.pid),
      [1],
    );
  });

  it("stops every renderer, largest first, while the total stays over (the browser itself may hold it)", () => {
    const stop = processesToStop([{ pid: 1, bytes: 100 * MiB }], 2000 * MiB, { perRenderBytes: 0, totalBytes: 1000 * MiB });
    assert.deepEqual(
      stop.map((s) => s.pid),
      [1],
    );
  });
});

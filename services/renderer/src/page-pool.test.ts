import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { findChromium, launchChromium } from "./browser-launcher.js";
import { PagePool } from "./page-pool.js";
import { childPids, processTreeMemory } from "./process-memory.js";

const html = (i: number) => `<html><body><h1>Invoice ${i}</h1><table>${"<tr><td>line</td><td>1,00 €</td></tr>".repeat(10)}</table></body></html>`;
const A4 = { format: "A4", landscape: false } as const;
const executablePath = findChromium(undefined);
const browsers = () => childPids(process.pid, executablePath);

describe("PagePool with real Chromium", { timeout: 120_000 }, () => {
  const pools: PagePool[] = [];
  after(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it("recycles the browser every N renders without failing a render in flight", async () => {
    const recycled: string[] = [];
    const pool = new PagePool({
      launch: () => launchChromium(executablePath),
      size: 2,
      queueLimit: 100,
      timeoutMs: 15_000,
      recycle: { afterRenders: 6, maxBrowserBytes: 0, memoryCheckEvery: 50 },
      events: { onRecycled: (reason) => recycled.push(reason) },
    });
    pools.push(pool);
    await pool.start();
    const before = browsers();
    // Waves of renders until three recycles happened: each fresh browser launches while the
    // old one keeps rendering, and renders run across every swap.
    const results: PromiseSettledResult<unknown>[] = [];
    for (let wave = 0; recycled.length < 3 && wave < 60; wave++) {
      results.push(...(await Promise.allSettled(Array.from({ length: 4 }, (_, i) => pool.render(html(i), A4)))));
    }
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(failed.length, 0, `renders failed: ${failed.map((r) => String((r as PromiseRejectedResult).reason)).join("; ")}`);
    assert.ok(recycled.length >= 3, `recycled ${recycled.length} times: ${recycled.join(", ")}`);
    assert.match(recycled[0]!, /renders/);
    // The retired browsers are gone: one browser is left, and it is not the first one.
    let now = browsers();
    for (const deadline = Date.now() + 10_000; now.size > 1 && Date.now() < deadline; now = browsers()) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(now.size, 1, `browser processes left: ${[...now].join(", ")}`);
    assert.ok(![...now].some((pid) => before.has(pid)), "the first browser was retired");
    assert.ok(pool.browserMemoryBytes() > 10 * 2 ** 20, "the browser's memory is measured");
    await pool.close();
  });

  it("recycles past the memory bound", async () => {
    const recycled: string[] = [];
    const pool = new PagePool({
      launch: () => launchChromium(executablePath),
      size: 1,
      queueLimit: 10,
      timeoutMs: 15_000,
      // Any browser holds more than 1 MiB: the first check recycles.
      recycle: { afterRenders: 0, maxBrowserBytes: 2 ** 20, memoryCheckEvery: 3 },
      events: { onRecycled: (reason) => recycled.push(reason) },
    });
    pools.push(pool);
    await pool.start();
    for (let i = 0; i < 4; i++) await pool.render(html(i), A4);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.match(recycled[0] ?? "", /browser memory \d+ MiB/);
    await pool.close();
  });

  it("replaces a killed browser, reports it down and up, and renders again", async () => {
    const events: string[] = [];
    const pool = new PagePool({
      launch: () => launchChromium(executablePath),
      size: 2,
      queueLimit: 100,
      timeoutMs: 15_000,
      events: { onBrowserDown: () => events.push("down"), onBrowserUp: () => events.push("up") },
    });
    pools.push(pool);
    const others = browsers();
    await pool.start();
    await pool.render(html(0), A4);
    const [browserPid] = [...browsers()].filter((pid) => !others.has(pid));
    assert.ok(browserPid && processTreeMemory(browserPid) > 0);
    const load = Array.from({ length: 10 }, (_, i) => pool.render(html(i), A4));
    process.kill(browserPid, "SIGKILL");
    await Promise.allSettled(load);
    const deadline = Date.now() + 20_000;
    while (!events.includes("up") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(events, ["down", "up"]);
    const after = await pool.render(html(99), A4);
    assert.equal(after.pdf.subarray(0, 5).toString(), "%PDF-");
    await pool.close();
  });
});

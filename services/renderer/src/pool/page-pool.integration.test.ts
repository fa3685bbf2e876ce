import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { findChromium, launchChromium } from "./browser-launcher.js";
import { PagePool } from "./page-pool.js";
import { childPids, processTreeMemory } from "../memory/process-memory.js";
import { RenderMemoryError, TooManyPagesError } from "../rendering/render-errors.js";

const html = (i: number) =>
  `<html><body><h1>Invoice ${i}</h1><table>${"<tr><td>line</td><td>1,00 €</td></tr>".repeat(10)}</table></body></html>`;
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

  it("prints on the paper asked, landscape, with margins in every unit the API accepts", async () => {
    const pool = new PagePool({ launch: () => launchChromium(executablePath), size: 1, queueLimit: 10, timeoutMs: 15_000 });
    pools.push(pool);
    await pool.start();
    // No @page size in this document, so the paper asked is the paper printed.
    const margin = { top: "36pt", right: "1cm", bottom: "0.5in", left: "40px" };
    const { pdf, pageCount } = await pool.render(html(7), { format: "Letter", landscape: true, margin });
    assert.equal(pageCount, 1);
    assert.match(pdf.toString("latin1"), /\/MediaBox\s*\[0 0 792 612\]/, "Letter in landscape is 792 × 612 points");
    assert.match(pdfText(pdf), /Invoice 7\b/);
    const a4 = await pool.render(html(8), A4);
    assert.match(a4.pdf.toString("latin1"), /\/MediaBox\s*\[0 0 595(\.\d+)? 842(\.\d+)?\]/, "A4 is 595 × 842 points");
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

  it("resets the page a meta refresh left, so the next render on that same page prints its own document", async () => {
    const notReused: string[] = [];
    const pool = new PagePool({
      launch: () => launchChromium(executablePath),
      size: 1,
      queueLimit: 10,
      timeoutMs: 15_000,
      events: { onPageNotReused: (fate) => notReused.push(fate), onBrowserDown: () => notReused.push("browser down") },
    });
    pools.push(pool);
    await pool.start();
    // Fires during the next render unless the page is reset first (it used to fail that render).
    await pool.render(`<meta http-equiv="refresh" content="0.2;url=http://127.0.0.1:9/">hostile`, A4);
    for (let i = 0; i < 10; i++) {
      const { pdf } = await pool.render(html(i), A4);
      assert.match(pdfText(pdf), new RegExp(`Invoice ${i}\\b`));
    }
    assert.deepEqual(notReused, ["reset"]);
    // An ordinary document (no http-equiv in it) is judged without a call to the browser and reused.
    await pool.render(html(11), A4);
    assert.deepEqual(notReused, ["reset"]);
    await pool.close();
  });

  it("stops a render past its memory bound with RenderMemoryError, refuses one past the page limit, and renders on", async () => {
    const stopped: string[] = [];
    const pool = new PagePool({
      launch: () => launchChromium(executablePath),
      size: 2,
      queueLimit: 10,
      timeoutMs: 30_000,
      limits: { maxPages: 20, memory: { perRenderBytes: 256 * 2 ** 20, totalBytes: 0 } },
      events: { onMemoryStop: (stop) => stopped.push(stop.reason), onBrowserDown: () => stopped.push("browser down") },
    });
    pools.push(pool);
    await pool.start();
    const table = `<table>${Array.from({ length: 20_000 }, (_, i) => `<tr><td>${i}</td><td>a row of the table</td></tr>`).join("")}</table>`;
    const hog = pool.render(table, A4);
    const beside = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.render(html(i), A4)));
    await assert.rejects(
      hog,
      (error: unknown) => error instanceof RenderMemoryError && /RENDER_PAGE_MEMORY_MB \(256 MiB\)/.test(error.message),
    );
    assert.equal(beside.length, 6);
    assert.equal(stopped.length, 1, stopped.join("; "));
    await assert.rejects(pool.render(`<div style="height:100000px">tall</div>`, A4), TooManyPagesError);
    const after = await pool.render(html(99), A4);
    assert.match(pdfText(after.pdf), /Invoice 99/);
    await pool.close();
  });

  it("replaces a page whose renderer process keeps the memory a large document took", async () => {
    const notReused: string[] = [];
    const pool = new PagePool({
      launch: () => launchChromium(executablePath),
      size: 1,
      queueLimit: 10,
      timeoutMs: 30_000,
      // A page keeping more than a quarter of this (128 MiB) after its render is replaced.
      limits: { maxPages: 250, memory: { perRenderBytes: 512 * 2 ** 20, totalBytes: 0 } },
      events: { onPageNotReused: (fate) => notReused.push(fate) },
    });
    pools.push(pool);
    await pool.start();
    await pool.render(html(0), A4);
    assert.deepEqual(notReused, [], "an ordinary render keeps its page");
    // About 300 MiB of PSS in its renderer process, kept through later renders.
    const table = `<table>${Array.from({ length: 6_000 }, (_, i) => `<tr><td>${i}</td><td>a row of the table</td></tr>`).join("")}</table>`;
    const large = await pool.render(table, A4);
    assert.ok(large.pageCount > 100, `${large.pageCount} pages`);
    assert.deepEqual(notReused, ["replace"]);
    const after = await pool.render(html(1), A4);
    assert.match(pdfText(after.pdf), /Invoice 1\b/);
    await pool.close();
  });
});

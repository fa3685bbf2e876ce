import type { BenchFigures } from "./bench-figures.js";
import { RendererUnderTest } from "./renderer-bench.js";

/**
 * (e): a fresh renderer's memory after each count of renders, as deployed (the browser
 * recycled every RENDER_RECYCLE_AFTER renders) and with recycling off: the pool's own growth,
 * not hidden by a fresh browser.
 */
export async function rendererMemoryRuns(options: {
  html: string;
  pages: number;
  memoryAt: readonly number[];
  logDir: string;
  log: (line: string) => void;
}): Promise<BenchFigures["e"]> {
  const memory: BenchFigures["e"] = [];
  for (const [setting, env] of [
    ["as deployed", {}],
    ["recycling off", { RENDER_RECYCLE_AFTER: "0", RENDER_RECYCLE_MEMORY_MB: "0" }],
  ] as const) {
    const leakCheck = await RendererUnderTest.start({
      pages: options.pages,
      logDir: options.logDir,
      name: `renderer-e-${memory.length}`,
      env,
    });
    const counted = { renders: 0 };
    for (const count of options.memoryAt) {
      memory.push({ setting, renders: count, bytes: await leakCheck.memoryAfter(options.html, count, options.pages, counted) });
      options.log(`renderer memory ${setting} after ${count} renders: ${(memory.at(-1)!.bytes / 2 ** 20).toFixed(0)} MiB`);
    }
    await leakCheck.stop();
  }
  return memory;
}

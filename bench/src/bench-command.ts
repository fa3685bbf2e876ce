import { findChromium } from "@invoicing/renderer/browser-launcher";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BARE, BarePlaywright, launchPerPdf, VARIANTS } from "./bare-playwright.js";
import { CpuMeter, processOnly, processTree, thisProcess } from "./cpu-meter.js";
import { median, percentile } from "./load-loops.js";
import { PipelineUnderTest } from "./pipeline-bench.js";
import { RendererUnderTest } from "./renderer-bench.js";
import { benchReport, type BenchFigures } from "./bench-report.js";
import { sampleInvoiceHtml } from "./sample-invoice-html.js";

// `pnpm bench`: every figure of issue 4 in one run on this machine, printed and written to
// bench/RESULTS.md. (a) and (c) run in alternating rounds, so a noisy moment hits both alike.

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false }, // a smoke run: short windows, not for quoting
    "sustain-seconds": { type: "string" },
    out: { type: "string" },
  },
});
const quick = values.quick ?? false;
const sustainSeconds = Number(values["sustain-seconds"] ?? (quick ? 5 : 60));
const halfRateSeconds = quick ? 5 : 30;
const rounds = quick ? 1 : 3;
const levels = [1, 2, 3, 4];
const timing = quick ? { warmupMs: 300, windowMs: 1_000 } : { warmupMs: 700, windowMs: 2_500 };
const memoryAt = quick ? [50, 200] : [500, 5_000];
const out = values.out ?? join(import.meta.dirname, "..", "RESULTS.md");

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const html = sampleInvoiceHtml();
const executablePath = findChromium(process.env["CHROMIUM_PATH"]);
const workDir = mkdtempSync(join(tmpdir(), "invoicing-bench-"));
const logDir = join(workDir, "logs");
mkdirSync(logDir, { recursive: true });
log(`logs and stores in ${workDir}`);

const byLevel = (rates: Map<number, number[]>) => new Map([...rates].map(([level, r]) => [level, median(r)]));
const best = (medians: Map<number, number>) => [...medians].reduce((a, b) => (b[1] > a[1] ? b : a));

// (a) and (c), side by side.
const bare = await BarePlaywright.launch(executablePath);
const renderer = await RendererUnderTest.start({ pages: Math.max(...levels), logDir, name: "renderer-c" });
const aRates = new Map(levels.map((l) => [l, [] as number[]]));
const cRates = new Map(levels.map((l) => [l, [] as number[]]));
for (let round = 1; round <= rounds; round++) {
  for (const level of levels) {
    aRates.get(level)!.push((await bare.rate(html, BARE, level, timing)).perSecond);
    cRates.get(level)!.push((await renderer.rate(html, level, timing)).perSecond);
    log(
      `round ${round}, ${level} at once: bare ${aRates.get(level)!.at(-1)!.toFixed(1)}/s, RenderService ${cRates.get(level)!.at(-1)!.toFixed(1)}/s`,
    );
  }
}
const aByLevel = byLevel(aRates);
const cByLevel = byLevel(cRates);
const [aLevel, a] = best(aByLevel);
const [cLevel, c] = best(cByLevel);

// Where the CPU of one PDF goes, at each one's best concurrency.
const aCpu = new CpuMeter({ "Playwright (this process)": thisProcess }, "Chromium and the rest of the machine");
const aCpuRun = await bare.rate(html, BARE, aLevel, timing, aCpu);
const cCpu = new CpuMeter(
  { "renderer's Node": processOnly(renderer.service.process.pid), "gRPC client (this process)": thisProcess },
  "Chromium and the rest of the machine",
);
const cCpuRun = await renderer.rate(html, cLevel, timing, cCpu);
await renderer.stop();

// What makes a print cheaper, at the bare loop's best concurrency.
const variantRates = new Map(VARIANTS.map((v) => [v.name, [] as number[]]));
for (let round = 1; round <= rounds; round++) {
  for (const variant of VARIANTS) variantRates.get(variant.name)!.push((await bare.rate(html, variant, aLevel, timing)).perSecond);
}
const chromiumVersion = bare.browser.version();
await bare.close();
log("variants done");

// (b)
const naive = await launchPerPdf(executablePath, html, quick ? 3 : 8);
log(`launch per PDF: ${naive.perSecond.toFixed(2)}/s`);

// (e) as deployed (the browser recycled every RENDER_RECYCLE_AFTER renders), and with
// recycling off: the pool's own growth, not hidden by a fresh browser.
const memory: BenchFigures["e"] = [];
for (const [setting, env] of [
  ["as deployed", {}],
  ["recycling off", { RENDER_RECYCLE_AFTER: "0", RENDER_RECYCLE_MEMORY_MB: "0" }],
] as const) {
  const leakCheck = await RendererUnderTest.start({ pages: aLevel, logDir, name: `renderer-e-${memory.length}`, env });
  const counted = { renders: 0 };
  for (const count of memoryAt) {
    memory.push({ setting, renders: count, bytes: await leakCheck.memoryAfter(html, count, aLevel, counted) });
    log(`renderer memory ${setting} after ${count} renders: ${(memory.at(-1)!.bytes / 2 ** 20).toFixed(0)} MiB`);
  }
  await leakCheck.stop();
}

// (d)
const pipeline = await PipelineUnderTest.start(join(workDir, "pipeline"), { RENDER_PAGES: String(aLevel) });
const inFlight = 4 * aLevel;
await pipeline.createOrders(Math.ceil(a * 1.2 * (sustainSeconds + 6) + (a / 2) * 1.2 * halfRateSeconds) + 4 * inFlight);
log(`${pipeline.ordersLeft} orders created`);
const services = pipeline.stack.services;
const dCpu = new CpuMeter(
  {
    "renderer's Node": processOnly(services.renderer.process.pid),
    invoice: processTree(services.invoice.process.pid),
    order: processTree(services.order.process.pid),
    notifier: processTree(services.notifier.process.pid),
    "nats-server": processTree(pipeline.stack.nats.process.pid),
    "payments client (this process)": thisProcess,
  },
  "Chromium and the rest of the machine",
);
const sustained = await pipeline.sustained(inFlight, { warmupMs: 5_000, windowMs: sustainSeconds * 1_000 }, dCpu);
log(`pipeline sustained ${sustained.perSecond.toFixed(1)}/s`);
const halfRate = sustained.perSecond / 2;
const latencies = await pipeline.latencies(halfRate, halfRateSeconds * 1_000);
await pipeline.stop();

const figures: BenchFigures = {
  quick,
  chromiumVersion,
  executablePath,
  a: { perSecond: a, level: aLevel, byLevel: aByLevel },
  b: naive,
  c: { perSecond: c, level: cLevel, byLevel: cByLevel },
  d: {
    perSecond: sustained.perSecond,
    seconds: sustainSeconds,
    inFlight,
    halfRate,
    halfRateSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    samples: latencies.length,
  },
  e: memory,
  cpu: {
    a: aCpu.perUnit(aCpuRun.completed),
    c: cCpu.perUnit(cCpuRun.completed),
    d: dCpu.perUnit(sustained.completed),
  },
  variants: VARIANTS.map((v) => ({ name: v.name, perSecond: median(variantRates.get(v.name)!) })),
  rounds,
  timing,
};
const report = benchReport(figures, process.argv.slice(2));
process.stdout.write(report.text);
writeFileSync(out, report.markdown);
log(`written to ${out}`);

import { findChromium } from "@invoicing/renderer/browser-launcher";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BARE, BarePlaywright, launchPerPdf, VARIANTS } from "./bare-playwright.js";
import type { BenchFigures, LatencyRun } from "./bench-figures.js";
import { benchReport } from "./bench-report.js";
import { benchSettings } from "./bench-settings.js";
import { LATENCY_TARGETS } from "./bench-targets.js";
import { concurrencySweep } from "./concurrency-sweep.js";
import { DeliveryBacklog } from "./delivery-backlog.js";
import { interleavedRounds, meteredRun } from "./interleaved-rounds.js";
import { latencyRun } from "./latency-run.js";
import { median } from "./load-loops.js";
import { checkMachineIdle, describeIdle } from "./machine-idle.js";
import { bareCpuMeter, rendererCpuMeter } from "./part-cpu-meters.js";
import { PipelineUnderTest } from "./pipeline-bench.js";
import { pipelineRound, warmUpPipeline } from "./pipeline-round.js";
import { RendererUnderTest } from "./renderer-bench.js";
import { rendererMemoryRuns } from "./renderer-memory-bench.js";
import { rateSpread } from "./round-spreads.js";
import { scaleOutRuns } from "./scale-out-bench.js";
import { sampleInvoiceHtml } from "./sample-invoice-html.js";
import { formatSpread } from "./spread.js";
import { ServiceMemorySampler } from "./service-memory-sampler.js";
import { serviceMemoryPhase } from "./service-memory-trend.js";

// `pnpm bench`: every figure of issues 4 and 16 in one run on this machine, printed and
// written to bench/RESULTS.md. bench/README.md says how it measures and why.

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false }, // a smoke run: short windows, not for quoting
    "sustain-seconds": { type: "string" }, // the pipeline's window in each round
    out: { type: "string" },
  },
});
const quick = values.quick ?? false;
const settings = benchSettings(quick, values["sustain-seconds"] === undefined ? undefined : Number(values["sustain-seconds"]));
const out = values.out ?? join(import.meta.dirname, "..", "RESULTS.md");
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

// Before anything of ours runs, so that what is busy is someone else.
const idle = await checkMachineIdle(settings.idleCheckMs);
log(describeIdle(idle));

const html = sampleInvoiceHtml();
const executablePath = findChromium(process.env["CHROMIUM_PATH"]);
const workDir = mkdtempSync(join(tmpdir(), "invoicing-bench-"));
const logDir = join(workDir, "logs");
mkdirSync(logDir, { recursive: true });
log(`logs and stores in ${workDir}`);

// (a) and (c) at each concurrency, to choose the level each runs at from here on.
const bare = await BarePlaywright.launch(executablePath);
const renderer = await RendererUnderTest.start({ pages: Math.max(...settings.levels), logDir, name: "renderer-c" });
const sweep = await concurrencySweep(
  settings.rounds,
  settings.levels,
  settings.sweep,
  { a: (level, timing) => bare.rate(html, BARE, level, timing), c: (level, timing) => renderer.rate(html, level, timing) },
  log,
);
const [aLevel, cLevel] = [sweep.a.best, sweep.c.best];

// What makes a print cheaper, at the bare loop's best concurrency.
const variantRates = new Map(VARIANTS.map((v) => [v.name, [] as number[]]));
for (let round = 1; round <= settings.rounds; round++) {
  for (const variant of VARIANTS) variantRates.get(variant.name)!.push((await bare.rate(html, variant, aLevel, settings.sweep)).perSecond);
}
log("variants done");

// (b)
const naive = await launchPerPdf(executablePath, html, settings.launchesPerPdf);
log(`launch per PDF: ${naive.perSecond.toFixed(2)}/s`);

// (d) beside (a) and (c), all three started for the rounds so each round finds the same machine.
const pipeline = await PipelineUnderTest.start(join(workDir, "pipeline"), { RENDER_PAGES: String(aLevel) });
const backlog = DeliveryBacklog.watch(pipeline.nc);
const inFlight = 4 * aLevel;
const aSwept = sweep.a.byLevel.get(aLevel)!;
await warmUpPipeline(pipeline, backlog, { inFlight, ms: settings.pipelineWarmupMs, upperRate: aSwept }, log);
const { order, invoice, notifier } = pipeline.stack.services;
const memoryPids = {
  order: order.process.pid,
  invoice: invoice.process.pid,
  notifier: notifier.process.pid,
  "nats-server": pipeline.stack.nats.process.pid,
};
// From here until the pipeline stops: a heap's first seconds of work (JIT, pools) are no leak.
const memorySampler = await ServiceMemorySampler.start(memoryPids, () => pipeline.paid);
const rounds = await interleavedRounds(
  settings.rounds,
  {
    a: () => meteredRun(bareCpuMeter(), (window) => bare.rate(html, BARE, aLevel, settings.partRound, window)),
    c: () => meteredRun(rendererCpuMeter(renderer), (window) => renderer.rate(html, cLevel, settings.partRound, window)),
    d: () => pipelineRound(pipeline, backlog, { inFlight, timing: settings.pipelineRound, upperRate: aSwept }, log),
  },
  log,
);
const sustained = rateSpread(rounds.d).median;
const latency: LatencyRun[] = [];
for (const { share } of LATENCY_TARGETS) {
  latency.push(await latencyRun(pipeline, backlog, { share, sustained, seconds: settings.latencySeconds, runs: settings.rounds }, log));
  log(
    `latency at ${share} × ${sustained.toFixed(1)}/s: p50 ${formatSpread(latency.at(-1)!.p50, 0, " ms")}, p99 ${formatSpread(latency.at(-1)!.p99, 0, " ms")}`,
  );
}
const serviceMemory = serviceMemoryPhase(await memorySampler.stop());
backlog.close();
await pipeline.stop();

// The same pipeline scaled out, with (a)'s and (c)'s idle browsers still beside it as in the rounds.
const scaleOut = await scaleOutRuns({
  dataDir: join(workDir, "pipeline-scaled-out"),
  renderers: 2,
  invoiceWorkers: 2,
  pagesPerRenderer: aLevel,
  settings,
  upperRate: rateSpread(rounds.a).median,
  log,
});
const chromiumVersion = bare.browser.version();
await bare.close();
await renderer.stop();

// (e), on a machine left to one renderer.
const memory = await rendererMemoryRuns({ html, pages: aLevel, memoryAt: settings.memoryAt, logDir, log });

const figures: BenchFigures = {
  quick,
  settings,
  idle,
  chromiumVersion,
  executablePath,
  sweep: { a: sweep.a.byLevel, c: sweep.c.byLevel, aLevel, cLevel },
  b: naive,
  rounds,
  pipeline: { pages: aLevel, inFlight },
  latency,
  serviceMemory,
  scaleOut,
  e: memory,
  variants: VARIANTS.map((v) => ({ name: v.name, perSecond: median(variantRates.get(v.name)!) })),
};
const report = benchReport(figures, process.argv.slice(2));
process.stdout.write(report.text);
writeFileSync(out, report.markdown);
log(`written to ${out}`);

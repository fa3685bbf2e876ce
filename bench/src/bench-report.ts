import { availableParallelism, cpus, totalmem } from "node:os";
import type { BenchFigures } from "./bench-figures.js";
import { ofSustainedRate, targetChecks } from "./bench-targets.js";
import { describeIdle } from "./machine-idle.js";
import { CHROMIUM_AND_REST } from "./part-cpu-meters.js";
import type { PipelineRun } from "./pipeline-round.js";
import { markdownTable, type TableRows, textTable } from "./report-table.js";
import { cpuSpreadByPart, ownCpuSpread, type PartRun, rateSpread, totalCpuSpread } from "./round-spreads.js";
import { mibPerThousandInvoices, type ServiceMemoryPhase, trendChange } from "./service-memory-trend.js";
import { formatSpread, spreadOf } from "./spread.js";

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rate = (perSecond: number) => `${perSecond.toFixed(1)}/s`;
const levels = (byLevel: Map<number, number>) => [...byLevel].map(([level, r]) => `${level}: ${rate(r)}`).join(", ");
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const mailsBehind = (runs: PipelineRun[]) => spreadOf(runs.map((run) => run.mailsBehind));
const change = (from: number, to: number) => `${to >= from ? "+" : ""}${((to / from - 1) * 100).toFixed(1)}%`;
const signed = (value: number, digits: number) => `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;

/** What a service's memory figure holds besides a leak, printed under the memory table. */
const MEMORY_NOTES: Record<string, string> = {
  "nats-server":
    "JetStream keeps every stream's messages for the run, so its memory grows with what it stores; read its change as that before reading it as a leak.",
};

function serviceMemoryTable(phase: ServiceMemoryPhase): TableRows {
  return [
    ["", "first quarter, median", "last quarter, median", "change", "max", "change per 1,000 invoices"],
    ...phase.services.map((trend) => {
      const perThousand = mibPerThousandInvoices(trend, phase.invoicesBetweenQuarters);
      return [
        trend.name,
        mib(trend.firstQuarterBytes),
        mib(trend.lastQuarterBytes),
        `${signed(trendChange(trend) * 100, 1)}%`,
        mib(trend.maxBytes),
        perThousand === undefined ? "" : `${signed(perThousand, 2)} MiB`,
      ];
    }),
  ];
}

function serviceMemoryNotes(phase: ServiceMemoryPhase): string {
  const notes = phase.services.filter((trend) => MEMORY_NOTES[trend.name]).map((trend) => `${trend.name}: ${MEMORY_NOTES[trend.name]}`);
  return [
    `${phase.samples} readings over ${phase.seconds.toFixed(0)} s, ${phase.invoices} invoices issued; ` +
      `a change per 1,000 invoices is over the ${phase.invoicesBetweenQuarters} issued between the quarters' middles.`,
    ...notes,
  ].join("\n");
}

/** Parts as rows, runs as columns; a part a run does not have is left empty. */
function cpuTable(columns: Array<{ title: string; runs: PartRun[] }>): TableRows {
  const byPart = columns.map((column) => new Map(cpuSpreadByPart(column.runs).map((part) => [part.name, part.spread])));
  const named = [...new Set(byPart.flatMap((parts) => [...parts.keys()]))].filter((name) => name !== CHROMIUM_AND_REST);
  const cell = (spread: Parameters<typeof formatSpread>[0] | undefined) => (spread ? formatSpread(spread, 1) : "");
  return [
    ["part", ...columns.map((column) => column.title)],
    ...named.map((name) => [name, ...byPart.map((parts) => cell(parts.get(name)))]),
    ["our own processes (all the above)", ...columns.map((column) => cell(ownCpuSpread(column.runs, CHROMIUM_AND_REST)))],
    [CHROMIUM_AND_REST, ...byPart.map((parts) => cell(parts.get(CHROMIUM_AND_REST)))],
    ["total", ...columns.map((column) => cell(totalCpuSpread(column.runs)))],
  ];
}

/** The run's figures as the terminal lines and as bench/RESULTS.md. */
export function benchReport(f: BenchFigures, args: string[]): { text: string; markdown: string } {
  const s = f.settings;
  const [a, c, d, scaled] = [rateSpread(f.rounds.a), rateSpread(f.rounds.c), rateSpread(f.rounds.d), rateSpread(f.scaleOut.runs)];
  const scaledName = `${f.scaleOut.renderers} renderers (${f.scaleOut.pagesPerRenderer} pages each), ${f.scaleOut.invoiceWorkers} invoice workers`;
  const figures: TableRows = [
    ["", ""],
    ["(a) bare Playwright loop, headless shell, JS off", `${formatSpread(a, 1, "/s")} at ${f.sweep.aLevel} pages`],
    ["(a) sweep, median by pages", levels(f.sweep.a)],
    ["(b) a browser launched per PDF", `${rate(f.b.perSecond)} (median ${f.b.medianMs.toFixed(0)} ms a PDF)`],
    ["(c) RenderService over gRPC", `${formatSpread(c, 1, "/s")} at ${f.sweep.cLevel} at once`],
    ["(c) sweep, median by calls at once", levels(f.sweep.c)],
    [
      "(d) pipeline, CompletePayment to READY, one of each service",
      `${formatSpread(d, 1, "/s")} closed loop, ${f.pipeline.inFlight} payments in flight, ${f.pipeline.pages} pages`,
    ],
    ...f.latency.map((l) => [
      `(d) latency at ${ofSustainedRate(l.share)} (${rate(l.perSecond)}, ${l.runs} × ${l.seconds} s)`,
      `p50 ${formatSpread(l.p50, 0, " ms")}, p99 ${formatSpread(l.p99, 0, " ms")} (${l.samples} payments)`,
    ]),
    ["(d) mails the notifier owed when a window closed", formatSpread(mailsBehind(f.rounds.d), 0)],
    [`(d) scaled out: ${scaledName}`, `${formatSpread(scaled, 1, "/s")} closed loop, ${f.scaleOut.inFlight} payments in flight`],
    ...f.e.map((m) => [`(e) renderer memory after ${m.renders} renders, ${m.setting}`, mib(m.bytes)]),
  ];
  const targets: TableRows = [
    ["", ""],
    ...targetChecks(f).map((t) => [t.name, `${t.figure} (target ${t.target}: ${verdict(t.met)})`]),
    ["a/b (a's median over b)", (a.median / f.b.perSecond).toFixed(1)],
  ];
  const cpu = cpuTable([
    { title: "(a) per PDF", runs: f.rounds.a },
    { title: "(c) per PDF", runs: f.rounds.c },
    { title: "(d) per invoice, one of each", runs: f.rounds.d },
    { title: "(d) per invoice, scaled out", runs: f.scaleOut.runs },
  ]);
  const [dOwn, scaledOwn] = [ownCpuSpread(f.rounds.d, CHROMIUM_AND_REST), ownCpuSpread(f.scaleOut.runs, CHROMIUM_AND_REST)];
  const [dTotal, scaledTotal] = [totalCpuSpread(f.rounds.d), totalCpuSpread(f.scaleOut.runs)];
  const scaleOut: TableRows = [
    ["", "one of each", scaledName, "change of the medians"],
    ["throughput, closed loop", formatSpread(d, 1, "/s"), formatSpread(scaled, 1, "/s"), change(d.median, scaled.median)],
    ["payments in flight", String(f.pipeline.inFlight), String(f.scaleOut.inFlight), ""],
    [
      "mails the notifier owed when a window closed",
      formatSpread(mailsBehind(f.rounds.d), 0),
      formatSpread(mailsBehind(f.scaleOut.runs), 0),
      "",
    ],
    [
      "CPU per invoice, our own processes",
      formatSpread(dOwn, 1, " ms"),
      formatSpread(scaledOwn, 1, " ms"),
      change(dOwn.median, scaledOwn.median),
    ],
    [
      "CPU per invoice, total",
      formatSpread(dTotal, 1, " ms"),
      formatSpread(scaledTotal, 1, " ms"),
      change(dTotal.median, scaledTotal.median),
    ],
  ];
  const variants: TableRows = [
    ["", ""],
    ...f.variants.map((v) => [v.name, `${rate(v.perSecond)} (${(v.perSecond / f.variants[0]!.perSecond).toFixed(2)}× bare)`]),
  ];
  const memory = serviceMemoryTable(f.serviceMemory);
  const memoryNotes = serviceMemoryNotes(f.serviceMemory);
  const cores = availableParallelism();
  const spreadNote = `median (min–max) over ${s.rounds} interleaved round${s.rounds === 1 ? "" : "s"}`;

  const text =
    `${describeIdle(f.idle)}\n\nFigures (${spreadNote})\n${textTable(figures)}` +
    `\nRatios and targets\n${textTable(targets)}` +
    `\nMemory of the other services over the pipeline phase (each process tree's PSS, read every second)\n${textTable(memory)}${memoryNotes}\n` +
    `\nCPU ms per PDF or invoice by process (${spreadNote}; the notifier's per mail it delivered)\n${textTable(cpu)}` +
    `\nScale-out on one machine\n${textTable(scaleOut)}` +
    `\nPrint variants at ${f.sweep.aLevel} pages\n${textTable(variants)}`;

  const command = ["pnpm bench", ...args].join(" ");
  const machine = `${cores} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), ${mib(totalmem())} RAM, Node ${process.version}`;
  const ms = (timing: { warmupMs: number; windowMs: number }) => `${timing.warmupMs} ms warm-up and a ${timing.windowMs / 1000} s window`;
  const markdown = `# Render farm benchmark

Written by \`${command}\` on ${new Date().toISOString()}${f.quick ? " (a --quick smoke run: windows too short to quote)" : ""}.

Machine: ${machine}. Chromium ${f.chromiumVersion} (\`${f.executablePath}\`).
Idle check: ${describeIdle(f.idle)}.

Every part prints the same document: the invoice template with the sample order (ten lines,
two tax rates), one A4 page. A sweep of 1 to ${Math.max(...s.levels)} pages (a) and calls at once (c),
${ms(s.sweep)} each, chose each one's best concurrency. Then (a), (c) and the pipeline (d),
all three started throughout, ran in ${s.rounds} interleaved round${s.rounds === 1 ? "" : "s"}: (a) and (c) at their
best, ${ms(s.partRound)}; (d) a closed loop, ${ms(s.pipelineRound)}, after
${s.pipelineWarmupMs / 1000} s of payments once the stack was up; after each pipeline run the notifier delivered
every READY invoice before anything else ran. A figure of the rounds is their median
(min–max); a ratio is taken within each round first. CPU is read from /proc in each window,
Chromium as the whole machine less our own processes. The latencies are open loops (payments
at a fixed rate), ${s.rounds} of ${s.latencySeconds} s at each share of the median sustained rate, each with its own p50 and
p99 and the mails delivered before the next; a payment is done when
its InvoiceGenerated arrives, published right after READY. The other services' memory (the
proportional set sizes of each one's process tree) is read every second from after the warm-up
until the pipeline stopped, and judged on the median of the last quarter of those readings
against the first's. The scaled-out stack ran once the one-of-each stack had stopped, with
${f.scaleOut.pagesPerRenderer} pages per renderer (the bare loop's best) and ${f.scaleOut.inFlight} payments in flight (4 per page, as the
one-of-each run). (e) is the renderer's process tree after so many renders, as deployed and
with browser recycling off.

## Figures

${markdownTable(figures)}

## Ratios and targets

${markdownTable(targets)}

## Memory of the other services over the pipeline phase

${markdownTable(memory)}

${memoryNotes.split("\n").join("\n\n")}

## Where the CPU goes (ms per PDF or invoice, ${spreadNote})

${markdownTable(cpu)}

The notifier's figure is per mail it delivered in the window: fewer than the invoices READY in it when it falls behind.
On ${cores} cores a part's rate is bounded by ${cores} × 1000 ms over its CPU milliseconds per unit.

## Scale-out on one machine

${markdownTable(scaleOut)}

## Print variants (bare loop at ${f.sweep.aLevel} pages)

${markdownTable(variants)}

How to read it and what changed the figures: bench/README.md.
`;
  return { text, markdown };
}

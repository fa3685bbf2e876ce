import { availableParallelism, cpus, totalmem } from "node:os";

export interface BenchFigures {
  quick: boolean;
  chromiumVersion: string;
  executablePath: string;
  a: { perSecond: number; level: number; byLevel: Map<number, number> };
  b: { perSecond: number; medianMs: number };
  c: { perSecond: number; level: number; byLevel: Map<number, number> };
  d: {
    perSecond: number;
    seconds: number;
    inFlight: number;
    halfRate: number;
    halfRateSeconds: number;
    p50: number;
    p99: number;
    samples: number;
  };
  /** Renderer memory after so many renders, per recycling setting, in the order measured. */
  e: Array<{ setting: string; renders: number; bytes: number }>;
  variants: Array<{ name: string; perSecond: number }>;
  /** CPU milliseconds per PDF (a, c) or per invoice (d), by part. */
  cpu: Record<"a" | "c" | "d", Array<{ name: string; ms: number }>>;
  rounds: number;
  timing: { warmupMs: number; windowMs: number };
}

const TARGETS = { ca: 0.95, da: 0.8, p99Ms: 250, memoryGrowth: 0.1 };

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rate = (perSecond: number) => `${perSecond.toFixed(1)}/s`;
const levels = (byLevel: Map<number, number>) => [...byLevel].map(([level, r]) => `${level}: ${rate(r)}`).join(", ");
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");

/** The run's figures as the terminal lines and as bench/RESULTS.md. */
export function benchReport(f: BenchFigures, args: string[]): { text: string; markdown: string } {
  const ca = f.c.perSecond / f.a.perSecond;
  const da = f.d.perSecond / f.a.perSecond;
  const ab = f.a.perSecond / f.b.perSecond;
  const settings = [...new Set(f.e.map((m) => m.setting))];
  const growthOf = (setting: string) => {
    const runs = f.e.filter((m) => m.setting === setting);
    return { first: runs[0]!, last: runs.at(-1)!, growth: runs.at(-1)!.bytes / runs[0]!.bytes - 1 };
  };
  const rows: Array<[string, string]> = [
    ["(a) bare Playwright loop, headless shell, JS off", `${rate(f.a.perSecond)} at ${f.a.level} pages (${levels(f.a.byLevel)})`],
    ["(b) a browser launched per PDF", `${rate(f.b.perSecond)} (median ${f.b.medianMs.toFixed(0)} ms a PDF)`],
    ["(c) RenderService over gRPC", `${rate(f.c.perSecond)} at ${f.c.level} at once (${levels(f.c.byLevel)})`],
    [
      "(d) pipeline, CompletePayment to READY",
      `${rate(f.d.perSecond)} sustained for ${f.d.seconds} s (${f.d.inFlight} payments in flight)`,
    ],
    [
      `(d) latency at half that rate (${rate(f.d.halfRate)}, ${f.d.halfRateSeconds} s)`,
      `p50 ${f.d.p50.toFixed(0)} ms, p99 ${f.d.p99.toFixed(0)} ms (${f.d.samples} payments)`,
    ],
    ...f.e.map((m): [string, string] => [`(e) renderer memory after ${m.renders} renders, ${m.setting}`, mib(m.bytes)]),
  ];
  const ratios: Array<[string, string]> = [
    ["c/a", `${ca.toFixed(3)} (target ≥ ${TARGETS.ca}: ${verdict(ca >= TARGETS.ca)})`],
    ["d/a", `${da.toFixed(3)} (target ≥ ${TARGETS.da}: ${verdict(da >= TARGETS.da)})`],
    ["a/b", `${ab.toFixed(1)}`],
    ["p99 at half rate", `${f.d.p99.toFixed(0)} ms (target ≤ ${TARGETS.p99Ms} ms: ${verdict(f.d.p99 <= TARGETS.p99Ms)})`],
    ...settings.map((setting): [string, string] => {
      const { first, last, growth } = growthOf(setting);
      return [
        `memory ${last.renders} vs ${first.renders} renders, ${setting}`,
        `${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)}% (target ≤ +${TARGETS.memoryGrowth * 100}%: ${verdict(growth <= TARGETS.memoryGrowth)})`,
      ];
    }),
  ];
  const variants = f.variants.map((v): [string, string] => [
    v.name,
    `${rate(v.perSecond)} (${(v.perSecond / f.variants[0]!.perSecond).toFixed(2)}× bare)`,
  ]);
  const cpu = (["a", "c", "d"] as const).map((part): [string, string] => {
    const parts = f.cpu[part];
    const total = parts.reduce((sum, p) => sum + p.ms, 0);
    return [
      `CPU per ${part === "d" ? "invoice" : "PDF"} (${part})`,
      `${total.toFixed(1)} ms: ${parts.map((p) => `${p.name} ${p.ms.toFixed(1)}`).join(", ")}`,
    ];
  });
  const width = Math.max(...[...rows, ...ratios, ...variants, ...cpu].map(([k]) => k.length));
  const line = ([k, v]: [string, string]) => `${k.padEnd(width)}  ${v}\n`;
  const text =
    rows.map(line).join("") +
    `print variants at ${f.a.level} pages:\n` +
    variants.map(line).join("") +
    cpu.map(line).join("") +
    ratios.map(line).join("");

  const command = ["pnpm bench", ...args].join(" ");
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), ${mib(totalmem())} RAM, Node ${process.version}`;
  const table = (pairs: Array<[string, string]>) => ["| | |", "| --- | --- |", ...pairs.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
  const markdown = `# Render farm benchmark

Written by \`${command}\` on ${new Date().toISOString()}${f.quick ? " (a --quick smoke run: windows too short to quote)" : ""}.

Machine: ${machine}. Chromium ${f.chromiumVersion} (\`${f.executablePath}\`).
Every part prints the same document: the invoice template with the sample order (ten lines,
two tax rates), one A4 page. (a) and (c) ran in ${f.rounds} alternating rounds per concurrency,
${f.timing.warmupMs} ms warm-up and a ${f.timing.windowMs} ms window each; the figures are the
medians, and "best" is the concurrency with the highest median. (d) is a closed loop for the
sustained rate, then an open loop (payments at a fixed rate) for the latencies; a payment is
done when its InvoiceGenerated arrives, which is published right after READY. (e) is the
memory of the renderer's process tree (Node, Chromium and its helpers), the sum of their
proportional set sizes, once as deployed (the browser recycled every 2,000 renders) and once
with recycling switched off.

## Figures

${table(rows)}

## Ratios and targets

${table(ratios)}

## Where the CPU goes

${table(cpu)}

On ${availableParallelism()} cores a part's rate is bounded by ${availableParallelism()} × 1000 ms over its CPU milliseconds per unit.

## Print variants (bare loop at ${f.a.level} pages)

${table(variants)}

How to read it and what changed the figures: bench/README.md.
`;
  return { text, markdown };
}

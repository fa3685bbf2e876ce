import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BenchFigures } from "./bench-figures.js";
import { benchReport } from "./bench-report.js";
import { spreadOf } from "./spread.js";
import { benchSettings } from "./bench-settings.js";
import { idleVerdict } from "./machine-idle.js";
import { CHROMIUM_AND_REST } from "./part-cpu-meters.js";
import type { PartRun } from "./round-spreads.js";

const run = (perSecond: number, parts: Record<string, number>): PartRun => ({
  perSecond,
  cpu: Object.entries(parts).map(([name, ms]) => ({ name, ms })),
});
const pipelineRun = (perSecond: number, invoice: number, mailsBehind = 0) => ({
  mailsBehind,
  ...run(perSecond, {
    "renderer's Node": 5,
    invoice,
    order: 3,
    notifier: 6,
    "nats-server": 1.5,
    "payments client (this process)": 1.5,
    [CHROMIUM_AND_REST]: 25,
  }),
});
const MiB = 2 ** 20;

function figures(overrides: Partial<BenchFigures> = {}): BenchFigures {
  return {
    quick: false,
    settings: benchSettings(false),
    idle: idleVerdict(0.09, 3),
    chromiumVersion: "156.0",
    executablePath: "/usr/lib/chromium/chromium-headless-shell",
    sweep: {
      a: new Map([
        [1, 65],
        [2, 86],
      ]),
      c: new Map([
        [1, 51],
        [2, 74],
      ]),
      aLevel: 2,
      cLevel: 2,
    },
    b: { perSecond: 5, medianMs: 190 },
    rounds: {
      a: [80, 90, 86].map((r) => run(r, { "Playwright (this process)": 2.7, [CHROMIUM_AND_REST]: 20 })),
      c: [70, 80, 74].map((r) => run(r, { "renderer's Node": 5.4, "gRPC client (this process)": 1.8, [CHROMIUM_AND_REST]: 21 })),
      d: [pipelineRun(32, 15), pipelineRun(36, 14), pipelineRun(30, 16)],
    },
    pipeline: { pages: 2, inFlight: 8 },
    latency: [
      { share: 0.5, perSecond: 16, seconds: 20, runs: 3, p50: spreadOf([54, 50, 60]), p99: spreadOf([96, 90, 120]), samples: 960 },
      { share: 0.8, perSecond: 25.6, seconds: 20, runs: 3, p50: spreadOf([80, 70, 90]), p99: spreadOf([400, 200, 500]), samples: 1536 },
    ],
    serviceMemory: {
      samples: 200,
      seconds: 199,
      invoices: 5_000,
      invoicesBetweenQuarters: 4_000,
      services: [
        { name: "order", firstQuarterBytes: 100 * MiB, lastQuarterBytes: 104 * MiB, maxBytes: 130 * MiB },
        { name: "nats-server", firstQuarterBytes: 40 * MiB, lastQuarterBytes: 60 * MiB, maxBytes: 61 * MiB },
      ],
    },
    scaleOut: {
      renderers: 2,
      invoiceWorkers: 2,
      pagesPerRenderer: 2,
      inFlight: 16,
      runs: [pipelineRun(28, 18, 40), pipelineRun(29, 17, 90), pipelineRun(27, 19, 60)],
    },
    e: [
      { setting: "as deployed", renders: 500, bytes: 640 * MiB },
      { setting: "as deployed", renders: 5000, bytes: 660 * MiB },
    ],
    variants: [
      { name: "bare: JS off, wait for load", perSecond: 95 },
      { name: "JS on", perSecond: 87 },
    ],
    ...overrides,
  };
}

describe("benchmark report", () => {
  const { text, markdown } = benchReport(figures(), []);

  it("prints every figure of the rounds as median (min–max)", () => {
    for (const output of [text, markdown]) {
      assert.match(output, /86\.0\/s \(80\.0–90\.0\) at 2 pages/);
      assert.match(output, /32\.0\/s \(30\.0–36\.0\) closed loop, 8 payments in flight/);
      assert.match(output, /invoice\s*\|?\s*\|?\s*\|?\s*15\.0 \(14\.0–16\.0\)\s*\|?\s*18\.0 \(17\.0–19\.0\)/);
    }
  });

  it("judges each target on its median and says met or MISSED", () => {
    for (const output of [text, markdown]) {
      // Our own processes: 5 + 15 + 3 + 6 + 1.5 + 1.5 = 32 in the median round.
      assert.match(output, /CPU of our own processes per invoice \(d\)\s*\|?\s*32\.0 ms \(31\.0–33\.0\) \(target ≤ 10 ms: MISSED\)/);
      // d/a per round: 32/80, 36/90, 30/86.
      assert.match(output, /d\/a, median of per-round ratios\s*\|?\s*0\.400 \(0\.349–0\.400\) \(target ≥ 0\.8: MISSED\)/);
      // A p99 is judged on its median over the runs: 96 met although one run gave 120.
      assert.match(output, /half the sustained rate\s*\|?\s*96 ms \(90–120\) \(target ≤ 100 ms: met\)/);
      assert.match(output, /80% of the sustained rate\s*\|?\s*400 ms \(200–500\) \(target ≤ 250 ms: MISSED\)/);
      assert.match(
        output,
        /order memory, last vs first quarter of the pipeline phase\s*\|?\s*100 MiB → 104 MiB \(medians\), \+4\.0% \(target ≤ \+10%: met\)/,
      );
      assert.match(
        output,
        /nats-server memory, last vs first quarter of the pipeline phase\s*\|?\s*40 MiB → 60 MiB \(medians\), \+50\.0% \(target ≤ \+10%: MISSED\)/,
      );
      assert.match(output, /renderer memory 5000 vs 500 renders, as deployed\s*\|?\s*\+3\.1% \(target ≤ \+10%: met\)/);
    }
  });

  it("prints each service's memory over the pipeline phase, with its max and its change per 1,000 invoices", () => {
    // order: 4 MiB over the 4,000 invoices between the quarters' middles.
    assert.match(markdown, /\| order \| 100 MiB \| 104 MiB \| \+4\.0% \| 130 MiB \| \+1\.00 MiB \|/);
    assert.match(text, /nats-server\s+40 MiB\s+60 MiB\s+\+50\.0%\s+61 MiB\s+\+5\.00 MiB/);
    for (const output of [text, markdown]) {
      assert.match(output, /200 readings over 199 s, 5000 invoices issued/);
      assert.match(output, /nats-server: JetStream keeps every stream's messages for the run, so its memory grows with what it stores/);
    }
  });

  it("sets the scaled-out pipeline beside the one of each", () => {
    assert.match(markdown, /\| throughput, closed loop \| 32\.0\/s \(30\.0–36\.0\) \| 28\.0\/s \(27\.0–29\.0\) \| -12\.5% \|/);
    assert.match(text, /2 renderers \(2 pages each\), 2 invoice workers/);
    assert.match(markdown, /\| mails the notifier owed when a window closed \| 0 \(0–0\) \| 60 \(40–90\) \|/);
  });

  it("says how busy the machine was before the run, and warns when it was not idle", () => {
    assert.match(markdown, /machine idle: 3% of a core busy/);
    const busy = benchReport(figures({ idle: idleVerdict(1.5, 3) }), []);
    assert.match(busy.text, /^WARNING: machine not idle: 50% of a core busy/);
    assert.match(busy.markdown, /WARNING: machine not idle/);
  });
});

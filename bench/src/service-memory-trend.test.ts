import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type MemorySample, mibPerThousandInvoices, quarterMedians, serviceMemoryPhase, trendChange } from "./service-memory-trend.js";

const MiB = 2 ** 20;

describe("service memory over the pipeline phase", () => {
  it("takes the median of the first and of the last quarter of the readings", () => {
    // A sawtooth: collections drop the heap every few readings, with no growth under them.
    const sawtooth = [100, 130, 160, 100, 130, 160, 100, 130, 160, 100, 130, 160];
    assert.deepEqual(quarterMedians(sawtooth), { first: 130, last: 130 });
    // Quarters of whole readings (two of nine here), a median of two being the lower, as everywhere in the report.
    assert.deepEqual(quarterMedians([1, 2, 3, 4, 5, 6, 7, 8, 9]), { first: 1, last: 8 });
    assert.deepEqual(quarterMedians([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]), { first: 20, last: 110 });
  });

  it("falls back to the first and the last reading when there are fewer than four", () => {
    assert.deepEqual(quarterMedians([5, 7, 9]), { first: 5, last: 9 });
    assert.deepEqual(quarterMedians([5]), { first: 5, last: 5 });
  });

  it("sums up each service in the order read, with its max and the invoices between the quarters", () => {
    const samples: MemorySample[] = [100, 120, 104, 124, 108, 128, 112, 132].map((order, i) => ({
      bytes: { order: order * MiB, "nats-server": (20 + i) * MiB },
      invoices: 50 + 100 * i,
      atMs: 1_000 * i,
    }));
    const phase = serviceMemoryPhase(samples);
    assert.equal(phase.samples, 8);
    assert.equal(phase.seconds, 7);
    assert.equal(phase.invoices, 700);
    // Quarters of two readings each: invoices 50 and 150 at the start, 650 and 750 at the end; lower middles.
    assert.equal(phase.invoicesBetweenQuarters, 600);
    assert.deepEqual(phase.services, [
      { name: "order", firstQuarterBytes: 100 * MiB, lastQuarterBytes: 112 * MiB, maxBytes: 132 * MiB },
      { name: "nats-server", firstQuarterBytes: 20 * MiB, lastQuarterBytes: 26 * MiB, maxBytes: 27 * MiB },
    ]);
    const [order] = phase.services;
    assert.ok(Math.abs(trendChange(order!) - 0.12) < 1e-12);
    assert.equal(mibPerThousandInvoices(order!, phase.invoicesBetweenQuarters), 20);
  });

  it("has no figure per invoice when none were issued between the quarters", () => {
    const trend = { name: "order", firstQuarterBytes: 100 * MiB, lastQuarterBytes: 110 * MiB, maxBytes: 110 * MiB };
    assert.equal(mibPerThousandInvoices(trend, 0), undefined);
  });

  it("gives an empty phase when nothing was read", () => {
    assert.deepEqual(serviceMemoryPhase([]), { samples: 0, seconds: 0, invoices: 0, invoicesBetweenQuarters: 0, services: [] });
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runChaos } from "./chaos/chaos-run.js";
import { FAULT_KINDS } from "./chaos/fault-schedule.js";
import { randomSeed } from "./chaos/seeded-random.js";

// `pnpm chaos` shortened to fit the suite: every fault kind once or twice during 60 payments.
// CHAOS_SEED repeats a run (the seed is printed either way).
const PAYMENTS = 60;
const GARBAGE = 12;

describe("the pipeline under chaos", { timeout: 240_000 }, () => {
  it("loses, duplicates and misnumbers nothing while workers, a renderer and the broker die", async (t) => {
    const seed = process.env["CHAOS_SEED"] ? Number(process.env["CHAOS_SEED"]) : randomSeed();
    const dataDir = mkdtempSync(join(tmpdir(), "invoicing-chaos-"));
    const result = await runChaos({
      payments: PAYMENTS,
      seed,
      concurrency: 32,
      spreadMs: 30_000,
      retryShare: 0.1,
      duplicateShare: 0.1,
      garbage: GARBAGE,
      ackWaitMs: 5_000,
      settleTimeoutMs: 120_000,
      dataDir,
      log: (line) => t.diagnostic(line),
    });
    for (const line of result.lines) t.diagnostic(line);

    const struck = result.faults.map((f) => f.kind).sort();
    assert.deepEqual(struck, [...FAULT_KINDS].sort(), "every fault struck");
    assert.deepEqual(result.faults.filter((f) => f.error).map((f) => `${f.kind}: ${f.error}`), [], "every fault ran");
    assert.ok(result.faults.some((f) => f.kind === "duplicate-events" && (f.injected?.length ?? 0) > 0), "some events were duplicated");
    assert.deepEqual(result.verdict.failures, [], `seed ${seed}`);
    assert.deepEqual(result.verdict.figures, {
      payments: PAYMENTS,
      invoices: PAYMENTS,
      lost: 0,
      duplicated: 0,
      gaps: 0,
      deadLetters: GARBAGE,
      crashes: 0,
    });
    assert.equal(result.lines.at(-1), `chaos: ${PAYMENTS} payments, ${PAYMENTS} invoices, 0 lost, 0 duplicated, 0 gaps, ${GARBAGE} dead letters, 0 crashes`);
    assert.ok(result.passed);
    rmSync(dataDir, { recursive: true, force: true }); // kept for a look when the run failed
  });
});

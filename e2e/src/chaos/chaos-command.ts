// `pnpm chaos [--payments N] [--seed S] [--spread-s SECONDS] [--concurrency C] [--store sqlite|mongodb]`:
// the pipeline under faults. Exits non-zero when any check fails; the last line is the summary.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "@invoicing/local-stack/service-process";
import { runChaos, type ChaosOptions } from "./chaos-run.js";
import { unmountSmallDisk } from "./disk-full.js";
import type { StoreBackend } from "./chaos-stack.js";
import { faultKinds, windowForFaultsMs, type FaultDurations } from "./fault-schedule.js";
import { randomSeed } from "./seeded-random.js";

const { values } = parseArgs({
  options: {
    payments: { type: "string", default: "600" },
    seed: { type: "string" },
    concurrency: { type: "string", default: "32" },
    "spread-s": { type: "string" },
    // The deployed ack wait (INVOICE_ACK_WAIT_MS, NOTIFIER_ACK_WAIT_MS): a killed worker's
    // messages come back after it, as they would in production.
    "ack-wait-ms": { type: "string", default: "30000" },
    "timeout-s": { type: "string", default: "600" },
    "data-dir": { type: "string", default: join(repoRoot, "data", "chaos") },
    // mongodb: every service on one MongoDB-wire server of the run's own (FerretDB, tools/ferretdb).
    store: { type: "string", default: "sqlite" },
  },
});

const store = values.store as StoreBackend;
if (store !== "sqlite" && store !== "mongodb") {
  console.error(`chaos: --store must be sqlite or mongodb, got ${values.store}`);
  process.exit(2);
}

const positive = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`chaos: --${name} must be a positive integer, got ${value}`);
    process.exit(2);
  }
  return n;
};

const payments = positive("payments", values.payments);
// The faults run one after the other, each with its downtime and restart: the store outage (30 s),
// the full disk (60 s) and the refusing mail server (60 s) alone take 150 s, so the window is as
// long as the faults need (about 5 minutes), and at most eight payments a second (most of what
// two workers and two renderers sustain on two cores), so every fault strikes a pipeline with
// work in flight.
const durations: FaultDurations = { storeOutageMs: 30_000, fillDiskMs: 60_000, refuseSmtpMs: 60_000 };
const spreadS = values["spread-s"]
  ? positive("spread-s", values["spread-s"])
  : Math.max(Math.ceil(windowForFaultsMs(durations, faultKinds(store)) / 1000), Math.ceil(payments / 8));
const dataDir = values["data-dir"]!;
// Each run starts from empty stores and an empty broker; the previous run's files go.
// Left mounted by a run that was killed.
for (const disk of ["invoice-disk", "mongodb-disk"]) unmountSmallDisk(join(dataDir, disk));
rmSync(dataDir, { recursive: true, force: true });

const options: ChaosOptions = {
  payments,
  seed: values.seed === undefined ? randomSeed() : positive("seed", values.seed),
  concurrency: positive("concurrency", values.concurrency),
  spreadMs: spreadS * 1000,
  retryShare: 0.1,
  duplicateShare: 0.1,
  garbage: 12,
  ackWaitMs: positive("ack-wait-ms", values["ack-wait-ms"]),
  // Deployed, 10 minutes; see ChaosStackOptions.
  reconcileAfterMs: 30_000,
  claimLeaseMs: 60_000,
  durations,
  store,
  settleTimeoutMs: positive("timeout-s", values["timeout-s"]) * 1000,
  dataDir,
  log: (line) => console.log(line),
};
try {
  const result = await runChaos(options);
  for (const line of result.lines) console.log(line);
  process.exit(result.passed ? 0 : 1);
} catch (error) {
  // The stack did not come up, or its state could not be read: no verdict to give.
  console.error(error);
  console.log(`chaos: FAILED: the run could not finish: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

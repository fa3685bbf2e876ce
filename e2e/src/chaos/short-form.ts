import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type { StoreBackend } from "./chaos-stack.js";
import { runChaos } from "./chaos-run.js";
import { faultKinds } from "./fault-schedule.js";
import { randomSeed } from "./seeded-random.js";

// `pnpm chaos` shortened to fit the suite: every fault kind once or twice during 100 payments over 100 s,
// the lasting ones (store outage, full disk, refusing mail server) 5 s each instead of 30-60 s.
// CHAOS_SEED repeats a run (the seed is printed either way).
const PAYMENTS = 100;
const GARBAGE = 12;
const FORGED = 3;

/** How long one short run may take: the stack's start, 100 s of load, the settling, the checks. */
export const SHORT_FORM_TIMEOUT_MS = 420_000;

/** The short chaos run with the services' stores on `store`, and every check on its outcome. */
export async function chaosShortForm(t: TestContext, store: StoreBackend): Promise<void> {
  const seed = process.env["CHAOS_SEED"] ? Number(process.env["CHAOS_SEED"]) : randomSeed();
  const dataDir = mkdtempSync(join(tmpdir(), `invoicing-chaos-${store}-`));
  const result = await runChaos({
    payments: PAYMENTS,
    seed,
    concurrency: 32,
    spreadMs: 100_000,
    retryShare: 0.1,
    duplicateShare: 0.1,
    garbage: GARBAGE,
    ackWaitMs: 5_000,
    reconcileAfterMs: 8_000,
    claimLeaseMs: 10_000,
    durations: { storeOutageMs: 5_000, fillDiskMs: 5_000, refuseSmtpMs: 5_000 },
    store,
    settleTimeoutMs: 180_000,
    dataDir,
    log: (line) => t.diagnostic(line),
  });
  for (const line of result.lines) t.diagnostic(line);

  const struck = result.faults.map((f) => f.kind).sort();
  assert.deepEqual(struck, [...faultKinds(store)].sort(), "every fault struck");
  assert.deepEqual(
    result.faults.filter((f) => f.error).map((f) => `${f.kind}: ${f.error}`),
    [],
    "every fault ran",
  );
  assert.ok(
    result.faults.some((f) => f.kind === "duplicate-events" && (f.injected?.length ?? 0) > 0),
    "some events were duplicated",
  );
  assert.equal(result.faults.find((f) => f.kind === "forged-events")?.injected?.length, FORGED, "every forgery was published");
  // The aimed kills: each at a process (the store server's kill is not aimed).
  for (const kill of result.faults.filter((f) => f.target !== undefined))
    assert.ok(kill.held, `${kill.kind} ${kill.target} struck while it held work`);
  assert.deepEqual(result.verdict.failures, [], `seed ${seed}`);
  const { resentInCrashWindow, ...figures } = result.verdict.figures;
  assert.deepEqual(figures, {
    payments: PAYMENTS,
    invoices: PAYMENTS,
    lost: 0,
    duplicated: 0,
    gaps: 0,
    wrong: 0,
    deadLetters: GARBAGE + FORGED,
    crashes: 0,
  });
  // The one exception of the mail guarantee, each case proven by the killed notifier's own
  // claim in its store: never more than it died holding.
  const abandoned = result.faults.flatMap((f) => f.abandonedClaims ?? []).length;
  assert.ok(resentInCrashWindow <= abandoned, `${resentInCrashWindow} resent, ${abandoned} claims abandoned`);
  const resent = resentInCrashWindow ? ` (+${resentInCrashWindow} resent in the crash window, same Message-ID)` : "";
  assert.equal(
    result.lines.at(-1),
    `chaos: ${PAYMENTS} payments, ${PAYMENTS} invoices, 0 lost, 0 duplicated${resent}, 0 gaps, 0 wrong, ${GARBAGE + FORGED} dead letters, 0 crashes`,
  );
  assert.ok(result.passed);
  rmSync(dataDir, { recursive: true, force: true }); // kept for a look when the run failed
}

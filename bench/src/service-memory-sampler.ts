import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { MemorySample } from "./service-memory-trend.js";

const SAMPLING_PROCESS = join(import.meta.dirname, "service-memory-sampling-process.ts");
const REPO_ROOT = join(import.meta.dirname, "..", "..");

/**
 * Reads the memory of named process trees every second, each reading beside how many invoices
 * had been issued by then, from `start` until `stop`.
 *
 * The readings are taken in a process of their own. One costs about 10 ms of CPU, most of it
 * the kernel walking each process's pages for its proportional set size; in the benchmark's
 * own process that would count as the payments client's (or Playwright's) CPU, and would stall
 * the event loop on which the latency runs time their payments. In a process of its own it is
 * background, in "the rest of the machine", the same in every round.
 */
export class ServiceMemorySampler {
  readonly #samples: MemorySample[] = [];

  private constructor(
    private readonly child: ChildProcess,
    invoicesSoFar: () => number,
  ) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      this.#samples.push({ bytes: JSON.parse(line) as Record<string, number>, invoices: invoicesSoFar(), atMs: performance.now() });
    });
  }

  /** Resolves once the first reading is in, so the sampler's start-up lands before what it watches. */
  static async start(
    pids: Record<string, number | undefined>,
    invoicesSoFar: () => number,
    everyMs = 1_000,
  ): Promise<ServiceMemorySampler> {
    // null, not left out, for a process that never started, so it still has a row (of 0s).
    const named = JSON.stringify(Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ?? null])));
    const child = spawn(process.execPath, ["--import", "tsx", SAMPLING_PROCESS, String(everyMs), named], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const sampler = new ServiceMemorySampler(child, invoicesSoFar);
    const exited = once(child, "exit").then(([code]) => {
      throw new Error(`the memory sampler exited (${code}) before its first reading`);
    });
    await Promise.race([once(child.stdout!, "data"), exited]);
    return sampler;
  }

  /** Ends the sampling and gives every reading taken, in order. */
  async stop(): Promise<MemorySample[]> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, "exit");
      this.child.kill("SIGTERM");
      await exited;
    }
    return [...this.#samples];
  }
}

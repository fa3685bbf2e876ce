import { processTreeMemory } from "@invoicing/renderer/process-memory";

/**
 * The peak memory (summed proportional set sizes) of a process and all its descendants,
 * sampled from /proc every `everyMs` while it runs. Past `killAboveBytes` the process is
 * killed, so a bound that fails cannot take the machine with it.
 */
export class ProcessMemoryPeak {
  peakBytes = 0;
  killed = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    killAboveBytes: number,
    everyMs = 100,
  ) {
    this.#timer = setInterval(() => {
      const bytes = processTreeMemory(pid);
      this.peakBytes = Math.max(this.peakBytes, bytes);
      if (bytes > killAboveBytes && !this.killed) {
        this.killed = true;
        process.kill(pid, "SIGKILL");
      }
    }, everyMs);
  }

  /** Starts a new measurement window. */
  reset(): void {
    this.peakBytes = 0;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

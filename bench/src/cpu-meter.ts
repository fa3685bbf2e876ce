import { processTreeCpuSeconds } from "@invoicing/renderer/process-memory";
import { readFileSync } from "node:fs";
import type { CpuWindow } from "./load-loops.js";

/** Reads a CPU counter in seconds. */
export type CpuCounter = () => number;

/** A process with all its descendants (a renderer with its Chromium). */
export const processTree =
  (pid: number | undefined): CpuCounter =>
  () => {
    if (pid === undefined) return 0;
    const { own, descendants } = processTreeCpuSeconds(pid);
    return own + descendants;
  };

/** A process without its descendants (the renderer's Node). */
export const processOnly =
  (pid: number | undefined): CpuCounter =>
  () =>
    pid === undefined ? 0 : processTreeCpuSeconds(pid).own;

/** Several counters as one: the processes of a service scaled out (two renderers' Nodes). */
export const summed =
  (counters: readonly CpuCounter[]): CpuCounter =>
  () =>
    counters.reduce((sum, read) => sum + read(), 0);

/** Every process on the machine: busy time from /proc/stat (user, nice, system, irq, softirq, steal). */
export const wholeMachine: CpuCounter = () => {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
};

/** This process alone (the benchmark's client side, or the bare loop's Playwright). */
export const thisProcess: CpuCounter = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/**
 * CPU time used by named parts inside a measured window: where each PDF's or invoice's
 * milliseconds go on a machine whose limit is CPU. `rest` is the whole machine less the named
 * parts: Chromium is measured that way, because the processes of a browser that closes in the
 * window (a recycled one) take their CPU time with them out of any process tree.
 */
const MACHINE = "the whole machine";

export class CpuMeter implements CpuWindow {
  #start = new Map<string, number>();
  #end = new Map<string, number>();
  readonly #counters: Record<string, CpuCounter>;

  constructor(
    counters: Record<string, CpuCounter>,
    private readonly rest: string,
  ) {
    this.#counters = { ...counters, [MACHINE]: wholeMachine };
  }

  #read(): Map<string, number> {
    return new Map(Object.entries(this.#counters).map(([name, read]) => [name, read()]));
  }

  readonly started = (): void => {
    this.#start = this.#read();
  };

  readonly ended = (): void => {
    this.#end = this.#read();
  };

  /** Milliseconds of CPU per unit of work inside the window, by part, the rest last. */
  perUnit(units: number): Array<{ name: string; ms: number }> {
    const used = [...this.#end].map(([name, seconds]) => ({ name, ms: ((seconds - (this.#start.get(name) ?? 0)) * 1000) / units }));
    const machine = used.find((part) => part.name === MACHINE)!.ms;
    const parts = used.filter((part) => part.name !== MACHINE);
    return [...parts, { name: this.rest, ms: machine - parts.reduce((sum, part) => sum + part.ms, 0) }];
  }
}

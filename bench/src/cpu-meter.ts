import { processTreeCpuSeconds } from "@invoicing/renderer/process-memory";
import type { CpuWindow } from "./load-loops.js";

/** Reads a CPU counter in seconds. */
export type CpuCounter = () => number;

/** A process with all its descendants (a renderer with its Chromium). */
export const processTree = (pid: number | undefined): CpuCounter => () => {
  if (pid === undefined) return 0;
  const { own, descendants } = processTreeCpuSeconds(pid);
  return own + descendants;
};

/** A process without its descendants (the renderer's Node). */
export const processOnly = (pid: number | undefined): CpuCounter => () => (pid === undefined ? 0 : processTreeCpuSeconds(pid).own);

/** Only a process's descendants (the renderer's Chromium). */
export const descendantsOf = (pid: number | undefined): CpuCounter => () => (pid === undefined ? 0 : processTreeCpuSeconds(pid).descendants);

/** Only this process's descendants (the bare loop's Chromium). */
export const childrenOfThisProcess: CpuCounter = () => processTreeCpuSeconds(process.pid).descendants;

/** This process alone (the benchmark's client side, or the bare loop's Playwright). */
export const thisProcess: CpuCounter = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/**
 * CPU time used by named parts inside a measured window: where each PDF's or invoice's
 * milliseconds go on a machine whose limit is CPU.
 */
export class CpuMeter implements CpuWindow {
  #start = new Map<string, number>();
  #end = new Map<string, number>();

  constructor(private readonly counters: Record<string, CpuCounter>) {}

  #read(): Map<string, number> {
    return new Map(Object.entries(this.counters).map(([name, read]) => [name, read()]));
  }

  readonly started = (): void => {
    this.#start = this.#read();
  };

  readonly ended = (): void => {
    this.#end = this.#read();
  };

  /** Milliseconds of CPU per unit of work inside the window, by part. */
  perUnit(units: number): Array<{ name: string; ms: number }> {
    return [...this.#end].map(([name, seconds]) => ({ name, ms: ((seconds - (this.#start.get(name) ?? 0)) * 1000) / units }));
  }
}

import { processTreeMemory } from "@invoicing/renderer/process-memory";

/** One service's memory at the start and the end of the pipeline run. */
export interface ServiceMemory {
  name: string;
  startBytes: number;
  endBytes: number;
}

/**
 * Memory of each named process with its descendants, in bytes: the sum of their proportional
 * set sizes, as the renderer's memory is read, so pages a tree shares with others count once.
 */
export function readServiceMemory(pids: Record<string, number | undefined>): Map<string, number> {
  return new Map(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? 0 : processTreeMemory(pid)]));
}

/** Start and end readings side by side, in the order of `start`. */
export function serviceMemoryOver(start: Map<string, number>, end: Map<string, number>): ServiceMemory[] {
  return [...start].map(([name, startBytes]) => ({ name, startBytes, endBytes: end.get(name) ?? 0 }));
}

/** Growth from start to end as a fraction (0.1 = +10%). */
export const memoryChange = (memory: Pick<ServiceMemory, "startBytes" | "endBytes">): number => memory.endBytes / memory.startBytes - 1;

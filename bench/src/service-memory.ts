import { processTreeMemory } from "@invoicing/renderer/process-memory";

/**
 * Memory of each named process with its descendants, in bytes: the sum of their proportional
 * set sizes, as the renderer's memory is read, so pages a tree shares with others count once.
 */
export function readServiceMemory(pids: Record<string, number | undefined>): Map<string, number> {
  return new Map(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? 0 : processTreeMemory(pid)]));
}

/** Growth from start to end as a fraction (0.1 = +10%). */
export const memoryChange = (memory: { startBytes: number; endBytes: number }): number => memory.endBytes / memory.startBytes - 1;

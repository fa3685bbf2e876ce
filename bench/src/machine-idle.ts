import { setTimeout as sleep } from "node:timers/promises";
import { wholeMachine } from "./cpu-meter.js";

/**
 * Busy CPU above this share of one core before the run means something else is working on the
 * machine (a build, another benchmark): every figure after would carry its noise.
 */
export const IDLE_LIMIT = 0.15;

export interface IdleCheck {
  /** Busy CPU of the whole machine over the check, in cores (0.05 = 5% of one core). */
  busyCores: number;
  seconds: number;
  idle: boolean;
}

export function idleVerdict(busySeconds: number, elapsedSeconds: number, limit = IDLE_LIMIT): IdleCheck {
  const busyCores = busySeconds / elapsedSeconds;
  return { busyCores, seconds: elapsedSeconds, idle: busyCores <= limit };
}

export function describeIdle(check: IdleCheck, limit = IDLE_LIMIT): string {
  const busy = `${(check.busyCores * 100).toFixed(0)}% of a core busy over ${check.seconds.toFixed(0)} s before the run`;
  return check.idle
    ? `machine idle: ${busy}`
    : `WARNING: machine not idle: ${busy} (limit ${(limit * 100).toFixed(0)}%); something else is running, and every figure carries its noise`;
}

/** Whole-machine busy time over `ms`, this process idle meanwhile. */
export async function checkMachineIdle(ms = 3_000): Promise<IdleCheck> {
  const busyBefore = wholeMachine();
  const startedAt = performance.now();
  await sleep(ms);
  return idleVerdict(wholeMachine() - busyBefore, (performance.now() - startedAt) / 1000);
}

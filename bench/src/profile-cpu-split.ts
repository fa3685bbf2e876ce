import { readdirSync, readFileSync } from "node:fs";

export interface CpuSplit {
  user: number;
  kernel: number;
  /** CPU seconds by thread kind: "main", or the thread's name (V8's workers, libuv's pool). */
  threads: Map<string, number>;
}

/**
 * User and kernel CPU seconds of one process so far, and each kind of thread's, from /proc.
 * A sampled profile sees only the main thread's time, wall-clock, system calls included.
 */
export function cpuSplit(pid: number): CpuSplit {
  const { user, kernel } = ticks(readFileSync(`/proc/${pid}/stat`, "utf8"));
  const threads = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = Number(tid) === pid ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const used = ticks(stat);
      threads.set(name, (threads.get(name) ?? 0) + used.user + used.kernel);
    } catch {
      // The thread ended while we looked.
    }
  }
  return { user, kernel, threads };
}

function ticks(stat: string): { user: number; kernel: number } {
  // After the command name (in parentheses, which may hold spaces): utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / 100, kernel: Number(fields[12]) / 100 };
}

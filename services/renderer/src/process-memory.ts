import { readdirSync, readFileSync } from "node:fs";

// Chromium's memory lives in its own processes (browser, zygote, one renderer per page, a
// utility process or two), which Node's process.memoryUsage() does not see. Linux /proc is
// read directly: it is where the renderer runs (the pods, this machine).

interface ProcessEntry {
  pid: number;
  ppid: number;
  rssBytes: number;
}

const PAGE_BYTES = 4096;

function readProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // After the command name (in parentheses, which may hold spaces): state, ppid, ...
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const statm = readFileSync(`/proc/${name}/statm`, "utf8").split(" ");
      entries.push({ pid: Number(name), ppid: Number(fields[1]), rssBytes: Number(statm[1]) * PAGE_BYTES });
    } catch {
      // The process ended while we looked.
    }
  }
  return entries;
}

/** Direct children of a process, only those running `executable` when it is given. */
export function childPids(pid: number = process.pid, executable?: string): Set<number> {
  if (process.platform !== "linux") return new Set();
  const children = readProcesses().filter((entry) => entry.ppid === pid);
  return new Set(
    children.filter((entry) => executable === undefined || commandOf(entry.pid) === executable).map((entry) => entry.pid),
  );
}

function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
  } catch {
    return undefined;
  }
}

/** Resident memory of a process and all its descendants, in bytes (shared pages counted once per process). */
export function processTreeRss(rootPid: number): number {
  if (process.platform !== "linux") return 0;
  const all = readProcesses();
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of all) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  let total = 0;
  const stack = all.filter((entry) => entry.pid === rootPid);
  while (stack.length > 0) {
    const entry = stack.pop()!;
    total += entry.rssBytes;
    stack.push(...(children.get(entry.pid) ?? []));
  }
  return total;
}

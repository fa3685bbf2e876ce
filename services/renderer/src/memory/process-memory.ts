import { readdirSync, readFileSync } from "node:fs";

// Chromium's memory lives in its own processes (browser, zygote, one renderer per page, a
// utility process or two), which Node's process.memoryUsage() does not see. Linux /proc is
// read directly: it is where the renderer runs (the pods, this machine).

interface ProcessEntry {
  pid: number;
  ppid: number;
  rssBytes: number;
  /** User plus system CPU time so far, in clock ticks. */
  cpuTicks: number;
  /** The same for its children that have exited and been waited for (a recycled browser). */
  reapedChildrenTicks: number;
}

const PAGE_BYTES = 4096;
const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux ABI Node supports

function readProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // After the command name (in parentheses, which may hold spaces): state, ppid, ...
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const statm = readFileSync(`/proc/${name}/statm`, "utf8").split(" ");
      entries.push({
        pid: Number(name),
        ppid: Number(fields[1]),
        rssBytes: Number(statm[1]) * PAGE_BYTES,
        cpuTicks: Number(fields[11]) + Number(fields[12]),
        reapedChildrenTicks: Number(fields[13]) + Number(fields[14]),
      });
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
  return new Set(children.filter((entry) => executable === undefined || commandOf(entry.pid) === executable).map((entry) => entry.pid));
}

function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
  } catch {
    return undefined;
  }
}

/** A process and all its descendants. */
function processTree(rootPid: number): ProcessEntry[] {
  const all = readProcesses();
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of all) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  const tree: ProcessEntry[] = [];
  const stack = all.filter((entry) => entry.pid === rootPid);
  while (stack.length > 0) {
    const entry = stack.pop()!;
    tree.push(entry);
    stack.push(...(children.get(entry.pid) ?? []));
  }
  return tree;
}

/**
 * Memory of a process and all its descendants, in bytes: the sum of their proportional set
 * sizes (a page shared by n processes counts 1/n in each), which is what the tree really
 * holds. Chromium's processes share most of their pages, so summed RSS overstated it about
 * twofold and tripped the recycle bound early. RSS where smaps_rollup is missing (Linux < 4.14).
 */
export function processTreeMemory(rootPid: number): number {
  if (process.platform !== "linux") return 0;
  return processTree(rootPid).reduce((total, entry) => total + (proportionalSetSize(entry.pid) ?? entry.rssBytes), 0);
}

/** The pids of a process and all its descendants (a full /proc scan: a few milliseconds). */
export function processTreePids(rootPid: number): number[] {
  if (process.platform !== "linux") return [];
  return processTree(rootPid).map((entry) => entry.pid);
}

/** Resident set size of one process, bytes (cheap: one small read); 0 once it is gone. */
export function residentBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE_BYTES;
  } catch {
    return 0;
  }
}

/** Proportional set size of one process, bytes; its RSS where smaps_rollup is missing, 0 once it is gone. */
export function proportionalBytes(pid: number): number {
  return proportionalSetSize(pid) ?? residentBytes(pid);
}

/**
 * Whether a process is one of Chromium's renderers (one per page or site), from its command
 * line: one string with spaces, as processes forked by the zygote rewrite it, or NUL-separated.
 */
export function isChromiumRenderer(pid: number): boolean {
  try {
    return /(?:^|[\s\0])--type=renderer(?:[\s\0]|$)/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return false;
  }
}

function proportionalSetSize(pid: number): number | undefined {
  try {
    const kib = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user and system) used so far by a process (`own`) and by all its descendants
 * (`descendants`), those alive now and those that have exited (a recycled browser, a page's
 * renderer process): for the renderer, Node and Chromium apart.
 */
export function processTreeCpuSeconds(rootPid: number): { own: number; descendants: number } {
  if (process.platform !== "linux") return { own: 0, descendants: 0 };
  let own = 0;
  let descendants = 0;
  for (const entry of processTree(rootPid)) {
    if (entry.pid === rootPid) own += entry.cpuTicks;
    else descendants += entry.cpuTicks;
    descendants += entry.reapedChildrenTicks;
  }
  return { own: own / TICKS_PER_SECOND, descendants: descendants / TICKS_PER_SECOND };
}

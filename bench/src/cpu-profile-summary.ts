import { relative } from "node:path";

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) this summary reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileWindow {
  /** Microseconds on the monotonic clock (`process.hrtime.bigint() / 1000n`), which V8's sample times share. */
  fromMicros: number;
  toMicros: number;
}

export interface Cost {
  name: string;
  ms: number;
}

export interface ProfileSummary {
  /** Milliseconds the main thread was busy inside the window (every sample but idle ones). */
  busyMs: number;
  /** Self time by where the code lives: a package, a folder of ours, or V8's own (GC, program). */
  byPlace: Cost[];
  /** Self time by function. */
  bySelf: Cost[];
  /** Time with the function anywhere on the stack, for functions of our own code only. */
  byInclusive: Cost[];
}

const IDLE = "(idle)";

/**
 * Where a process's main thread spent its time inside a window. Samples are wall-clock
 * intervals of the thread, so on a contended machine they include time it waited for a core;
 * the shares hold, the absolute figures are an upper bound (the benchmark's /proc CPU is exact).
 */
export function summariseProfile(profile: CpuProfile, window: ProfileWindow, repoRoot: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const place = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    // A sample's delta is the time up to it, so it is charged to the sample's stack.
    const delta = profile.timeDeltas[i] ?? 0;
    if (at < window.fromMicros || at > window.toMicros) return;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === IDLE) return;
    busy += delta;
    add(self, functionKey(node.callFrame, repoRoot), delta);
    add(place, placeOf(node.callFrame, repoRoot), delta);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)!.callFrame;
      if (!isOurs(frame.url, repoRoot)) continue;
      const key = functionKey(frame, repoRoot);
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, delta);
    }
  });
  return { busyMs: busy / 1000, byPlace: ranked(place), bySelf: ranked(self), byInclusive: ranked(inclusive) };
}

function add(costs: Map<string, number>, key: string, micros: number): void {
  costs.set(key, (costs.get(key) ?? 0) + micros);
}

const ranked = (costs: Map<string, number>): Cost[] =>
  [...costs].map(([name, micros]) => ({ name, ms: micros / 1000 })).sort((a, b) => b.ms - a.ms);

const isOurs = (url: string, repoRoot: string) => pathOf(url).startsWith(repoRoot) && !pathOf(url).includes("/node_modules/");

const pathOf = (url: string) => (url.startsWith("file://") ? decodeURIComponent(url.slice("file://".length)) : url);

function functionKey(frame: CpuProfile["nodes"][number]["callFrame"], repoRoot: string): string {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return name;
  return `${name} ${shortPath(pathOf(frame.url), repoRoot)}:${frame.lineNumber + 1}`;
}

/** A package by its name (the last node_modules segment), our code by its folder, Node's by `node:`. */
export function placeOf(frame: { functionName: string; url: string }, repoRoot: string): string {
  const path = pathOf(frame.url);
  if (!path) return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  if (path.startsWith("node:")) return `node:${path.slice(5).split("/")[0]}`;
  const modules = path.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const [scope, name] = path.slice(modules + "/node_modules/".length).split("/");
    const pkg = scope?.startsWith("@") ? `${scope}/${name}` : scope;
    return pkg === ".pnpm" ? "(pnpm store)" : (pkg ?? path);
  }
  if (path.startsWith(repoRoot)) {
    const parts = relative(repoRoot, path).split("/");
    return parts.slice(0, Math.min(parts.length - 1, 4)).join("/");
  }
  return path;
}

function shortPath(path: string, repoRoot: string): string {
  const modules = path.lastIndexOf("/node_modules/");
  if (modules >= 0) return path.slice(modules + "/node_modules/".length);
  return path.startsWith(repoRoot) ? relative(repoRoot, path) : path;
}

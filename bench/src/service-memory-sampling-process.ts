import { readServiceMemory } from "./service-memory.js";

// The sampler's own process (see service-memory-sampler.ts): every `everyMs`, one line of JSON
// with each named process tree's memory in bytes. Arguments: everyMs, then the pids as JSON.

const [everyMs, pidsJson] = process.argv.slice(2);
const pids = Object.fromEntries(
  Object.entries(JSON.parse(pidsJson ?? "{}") as Record<string, number | null>).map(([name, pid]) => [name, pid ?? undefined]),
);
const sample = () => process.stdout.write(`${JSON.stringify(Object.fromEntries(readServiceMemory(pids)))}\n`);
sample();
setInterval(sample, Number(everyMs));

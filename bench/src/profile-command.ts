import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "@invoicing/local-stack/service-process";
import { CpuMeter, processOnly, processTree, thisProcess } from "./cpu-meter.js";
import { summariseProfile, type CpuProfile, type ProfileSummary } from "./cpu-profile-summary.js";
import { PipelineUnderTest } from "./pipeline-bench.js";
import { cpuSplit } from "./profile-cpu-split.js";

// `pnpm bench:profile`: the pipeline under the benchmark's closed loop with every service
// started under `node --cpu-prof`, then where each process's milliseconds per invoice went,
// from the samples inside the measured window only (not start-up, not shutdown).

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    "in-flight": { type: "string", default: "8" },
    pages: { type: "string", default: "2" },
    top: { type: "string", default: "12" },
    // Extra options for every service's Node, to try one (say --max-semi-space-size=16).
    "node-args": { type: "string", default: "" },
    // CPU from /proc only: no sampling profiler in the services, whose own cost it adds.
    "no-profile": { type: "boolean", default: false },
    out: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const inFlight = Number(values["in-flight"]);
const top = Number(values.top);
const log = (line: string) => process.stderr.write(`profile: ${line}\n`);

const workDir = mkdtempSync(join(tmpdir(), "invoicing-profile-"));
const profileDir = join(workDir, "profiles");
mkdirSync(profileDir, { recursive: true });
log(`profiles and stores in ${workDir}`);

const pipeline = await PipelineUnderTest.start(
  join(workDir, "pipeline"),
  { RENDER_PAGES: values.pages! },
  {
    nodeArgs: [
      ...(values["no-profile"] ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, "--cpu-prof-interval=1000"]),
      ...values["node-args"]!.split(" ").filter(Boolean),
    ],
  },
);
const pids = new Map([...pipeline.stack.processes].map(([name, service]) => [service.process.pid!, name]));
await pipeline.createOrders(Math.ceil(60 * (seconds + 10)));
const services = pipeline.stack.services;
const meter = new CpuMeter(
  {
    "renderer's Node": processOnly(services.renderer.process.pid),
    invoice: processTree(services.invoice.process.pid),
    order: processTree(services.order.process.pid),
    notifier: processTree(services.notifier.process.pid),
    "nats-server": processTree(pipeline.stack.nats.process.pid),
    "payments client (this process)": thisProcess,
  },
  "Chromium and the rest of the machine",
);
const micros = () => Number(process.hrtime.bigint() / 1000n);
let fromMicros = 0;
let toMicros = 0;
const splitAt = () => new Map([...pids].map(([pid, name]) => [name, cpuSplit(pid)]));
let splitFrom = splitAt();
let splitTo = splitFrom;
const run = await pipeline.sustained(
  inFlight,
  { warmupMs: 5_000, windowMs: seconds * 1_000 },
  {
    started: () => {
      fromMicros = micros();
      splitFrom = splitAt();
      meter.started();
    },
    ended: () => {
      toMicros = micros();
      splitTo = splitAt();
      meter.ended();
    },
  },
);
log(`${run.completed} invoices in the window (${run.perSecond.toFixed(1)}/s)`);
await pipeline.stop();

const summaries = new Map<string, ProfileSummary>();
for (const file of readdirSync(profileDir).filter((name) => name.endsWith(".cpuprofile"))) {
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the main one (tsx's
  // module hooks run on a thread of their own, idle once the service has loaded).
  const [, , , pid, thread] = file.split(".");
  const name = pids.get(Number(pid));
  if (!name || thread !== "0") continue;
  const profile = JSON.parse(readFileSync(join(profileDir, file), "utf8")) as CpuProfile;
  summaries.set(name, summariseProfile(profile, { fromMicros, toMicros }, repoRoot));
}

const perInvoice = (ms: number) => (ms / run.completed).toFixed(2);
const lines = [
  `# CPU profiles under the pipeline's closed loop`,
  "",
  `${run.completed} invoices in ${seconds} s (${run.perSecond.toFixed(1)}/s, ${inFlight} payments in flight, RENDER_PAGES=${values.pages}); ` +
    `written ${new Date().toISOString()}. Milliseconds per invoice. CPU from /proc:`,
  "",
  ...meter.perUnit(run.completed).map((part) => `- ${part.name}: ${part.ms.toFixed(1)}`),
  "",
  "Each service's own process, user and kernel CPU (the kernel's share is system calls: writes, fsync, sockets):",
  "",
  ...[...splitTo].map(([name, to]) => {
    const from = splitFrom.get(name)!;
    const threads = [...to.threads]
      .map(([thread, seconds]) => ({ thread, ms: (seconds - (from.threads.get(thread) ?? 0)) * 1000 }))
      .filter((t) => t.ms > 0)
      .sort((a, b) => b.ms - a.ms)
      .map((t) => `${t.thread} ${perInvoice(t.ms)}`);
    return `- ${name}: user ${perInvoice((to.user - from.user) * 1000)}, kernel ${perInvoice((to.kernel - from.kernel) * 1000)}; by thread: ${threads.join(", ")}`;
  }),
  "",
];
for (const [name, summary] of [...summaries].sort()) {
  const table = (title: string, costs: ProfileSummary["byPlace"]) => [
    `| ${title} | ms |`,
    "| --- | --- |",
    ...costs.slice(0, top).map((cost) => `| ${cost.name.replaceAll("|", "\\|")} | ${perInvoice(cost.ms)} |`),
    "",
  ];
  lines.push(
    `## ${name}: main thread busy ${perInvoice(summary.busyMs)} ms per invoice (sampled)`,
    "",
    ...table("self time by place", summary.byPlace),
    ...table("self time by function", summary.bySelf),
    ...table("our functions, inclusive", summary.byInclusive),
  );
}
const text = lines.join("\n");
process.stdout.write(text);
if (values.out) writeFileSync(values.out, text);
log(`raw profiles kept in ${profileDir} (open them in Chrome DevTools)`);

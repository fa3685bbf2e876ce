import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  checkHealth,
  DEFAULT_READINESS,
  describeAnswer,
  isReady,
  type HealthAnswer,
  type HealthClientTls,
  type HealthTarget,
  type Readiness,
} from "./health-readiness.js";
import { assignServicePorts, hasServerTls, type ServicePorts } from "./service-ports.js";
import { inheritedServiceEnv } from "./stack-store-env.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type ServiceName = "order" | "invoice" | "renderer" | "notifier";

export interface ServiceOptions {
  service: ServiceName;
  /** Its environment. Its port variables, unset or 0, get free loopback ports (service-ports.ts). */
  env: Record<string, string>;
  /** Appended to, so the runs of a restarted service follow each other (each line has its pid). */
  logFile: string;
  name?: string;
  timeoutMs?: number;
  /** When it counts as ready; DEFAULT_READINESS (health-readiness.ts) explains each service's. */
  readiness?: Readiness;
  /**
   * A client certificate the service accepts (its TLS_CLIENT_NAMES), to ask its health over
   * TLS on its own port. Without one, a service started with TLS is asked on its plaintext
   * HEALTH_PORT, which shares the server's health state.
   */
  healthClientTls?: HealthClientTls;
  /** Options for Node itself, before the entry (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: readonly string[];
}

export interface ServiceProcess extends ServicePorts {
  name: string;
  process: ChildProcess;
  /** Whether it runs mutual TLS (TLS_* in its environment). */
  tls: boolean;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves with the exit code (null when a signal ended the process). */
  exited: Promise<number | null>;
  /**
   * Starts the service again with the same environment on the same ports, as a supervisor
   * would after a crash; stops this process first if it still runs. `envChanges` sets
   * variables, or unsets those given as undefined (a fixed configuration, say).
   */
  restart(envChanges?: Record<string, string | undefined>): Promise<ServiceProcess>;
}

/** A picked port can be taken by another process before the service binds it: try anew that often. */
const PORT_RACE_ATTEMPTS = 3;

/**
 * Starts one service as its own Node process (as in production, not in-process), logs to
 * `logFile`, and waits until its grpc.health.v1 answers as `readiness` asks, or it exits.
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(options);
    if (!("bindRace" in started)) return started;
    // Only ports the harness picked can have been taken: a pinned one is the caller's to free.
    if (attempt >= PORT_RACE_ATTEMPTS) throw started.bindRace;
  }
}

async function startOnce(options: ServiceOptions): Promise<ServiceProcess | { bindRace: Error }> {
  const inherited = inheritedServiceEnv();
  const assigned = await assignServicePorts(options.service, { ...inherited, ...options.env });
  const env = { ...options.env, ...assigned.env };
  const picked = Object.keys(assigned.env).some((name) => (options.env[name] ?? "0") === "0");
  const entry = join(repoRoot, "services", options.service, "src", "main.ts");
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", entry], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(options.logFile, { flags: "a" });
  let output = "";
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.pipe(log, { end: false });
    stream.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const name = options.name ?? options.service;
  const tls = hasServerTls(env);
  const target: HealthTarget = options.healthClientTls
    ? { port: assigned.ports.port, tls: options.healthClientTls }
    : { port: tls ? assigned.ports.healthPort! : assigned.ports.port };
  const readiness = options.readiness ?? DEFAULT_READINESS[options.service];
  const timeoutMs = options.timeoutMs ?? 60_000;

  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let last: HealthAnswer | undefined;
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (exitCode !== undefined || child.exitCode !== null || child.signalCode !== null) {
      const error = new Error(
        `${name} exited with ${exitCode ?? child.exitCode ?? child.signalCode} before it was ready; see ${options.logFile}`,
      );
      return picked && /EADDRINUSE/.test(output) ? { bindRace: error } : Promise.reject(error);
    }
    last = await checkHealth(target);
    if (isReady(last, readiness)) break;
    if (Date.now() > deadline) {
      // Not left running behind the caller's back, holding its ports.
      child.kill("SIGKILL");
      await exited;
      throw new Error(
        `${name} not ready (${readiness}) within ${timeoutMs} ms, last health answer: ${describeAnswer(last)}; see ${options.logFile}`,
      );
    }
    await sleep(100);
  }

  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    process: child,
    ...assigned.ports,
    tls,
    exited,
    stop,
    async restart(envChanges = {}) {
      await stop();
      const next: Record<string, string> = { ...env };
      for (const [name, value] of Object.entries(envChanges)) {
        if (value === undefined) delete next[name];
        else next[name] = value;
      }
      return startService({ ...options, env: next });
    },
  };
}

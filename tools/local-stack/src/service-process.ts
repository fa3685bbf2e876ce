import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type ServiceName = "order" | "invoice" | "renderer" | "notifier";

/** The variable each service listens on; a restart pins it to the port the service had. */
const portVariable: Record<ServiceName, string> = {
  order: "ORDER_PORT",
  invoice: "INVOICE_PORT",
  renderer: "RENDERER_PORT",
  notifier: "NOTIFIER_PORT",
};

export interface ServiceOptions {
  service: ServiceName;
  env: Record<string, string>;
  readyMessage: string;
  /** Appended to, so the runs of a restarted service follow each other (each line has its pid). */
  logFile: string;
  name?: string;
  timeoutMs?: number;
}

export interface ServiceProcess {
  name: string;
  process: ChildProcess;
  /** The first log record whose msg matched `readyMessage`. */
  ready: Record<string, unknown>;
  /** The port from the ready record: clients of the service keep using it across restarts. */
  port: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves with the exit code (null when a signal ended the process). */
  exited: Promise<number | null>;
  /**
   * Starts the service again with the same environment on the same port, as a supervisor
   * would after a crash; stops this process first if it still runs.
   */
  restart(): Promise<ServiceProcess>;
}

/**
 * Starts one service as its own Node process (as in production, not in-process), logs to
 * `logFile`, and waits for its ready log line, e.g. "renderer listening" with its port.
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  const entry = join(repoRoot, "services", options.service, "src", "main.ts");
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(options.logFile, { flags: "a" });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const name = options.name ?? options.service;

  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the caller's back, holding its port.
      child.kill("SIGKILL");
      reject(new Error(`${name} not ready within ${options.timeoutMs ?? 60_000} ms; see ${options.logFile}`));
    }, options.timeoutMs ?? 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready; see ${options.logFile}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      log.write(`${line}\n`);
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        if (record["msg"] === options.readyMessage) {
          clearTimeout(timer);
          resolve(record);
        }
      } catch {
        // not a JSON log line
      }
    });
  });

  const port = Number(ready["port"]);
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    process: child,
    ready,
    port,
    exited,
    stop,
    async restart() {
      await stop();
      return startService({ ...options, env: { ...options.env, [portVariable[options.service]]: String(port) } });
    },
  };
}

import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type ServiceName = "order" | "invoice" | "renderer" | "notifier";

export interface ServiceProcess {
  name: string;
  process: ChildProcess;
  /** The first log record whose msg matched `readyMessage`. */
  ready: Record<string, unknown>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Starts one service as its own Node process (as in production, not in-process), logs to
 * `logFile`, and waits for its ready log line, e.g. "renderer listening" with its port.
 */
export async function startService(options: {
  service: ServiceName;
  env: Record<string, string>;
  readyMessage: string;
  logFile: string;
  name?: string;
  timeoutMs?: number;
}): Promise<ServiceProcess> {
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
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready within ${options.timeoutMs ?? 60_000} ms; see ${options.logFile}`)),
      options.timeoutMs ?? 60_000,
    );
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

  return {
    name,
    process: child,
    ready,
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

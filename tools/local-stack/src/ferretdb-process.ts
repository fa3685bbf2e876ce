import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { MongoClient } from "mongodb";
import { repoRoot } from "./service-process.js";

export interface FerretDbProcess {
  /** For MONGODB_URL: mongodb://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** The SQLite files, one per database. */
  dataDir: string;
  /** ferretdb.log in the folder: FerretDB's own log (warnings and errors by default). */
  logFile: string;
  process: ChildProcess;
  /** SIGTERM (or SIGKILL) and wait for exit; the data stays on disk. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface FerretDbOptions {
  /** Default 0: a free port, which the server reports on stdout. */
  port?: number;
  /** How long the start may take until a MongoDB ping answers; default 30 s. */
  timeoutMs?: number;
  /** FerretDB's log level: debug, info, warn (default) or error. */
  logLevel?: "debug" | "info" | "warn" | "error";
}

/**
 * Builds tools/ferretdb if its binary is missing or older than its sources (a few
 * milliseconds otherwise; scripts/install.sh has usually built it) and returns its path.
 */
export async function buildFerretDb(): Promise<string> {
  const { stdout } = await promisify(execFile)("bash", [join(repoRoot, "tools", "ferretdb", "build.sh")], {
    maxBuffer: 1 << 20,
  });
  const binary = stdout.trim().split("\n").pop() ?? "";
  if (!existsSync(binary)) throw new Error(`tools/ferretdb/build.sh printed no binary: ${stdout}`);
  return binary;
}

/**
 * Starts a private MongoDB-wire server (FerretDB on SQLite, tools/ferretdb) on loopback with
 * its data in `dir`, and returns once it answers a MongoDB ping through the official driver,
 * so a suite's first command never races the start.
 */
export async function startFerretDb(dir: string, options: FerretDbOptions = {}): Promise<FerretDbProcess> {
  const binary = await buildFerretDb();
  const dataDir = join(dir, "data");
  const logFile = join(dir, "ferretdb.log");
  mkdirSync(dataDir, { recursive: true });
  const log = openSync(logFile, "a");
  // stdin stays an open pipe: if this process dies without stopping the server, the pipe
  // closes and -stop-on-stdin-close ends it, so no server outlives its test run.
  const child = spawn(
    binary,
    ["-data-dir", dataDir, "-port", String(options.port ?? 0), "-log-level", options.logLevel ?? "warn", "-stop-on-stdin-close"],
    { stdio: ["pipe", "pipe", log] },
  );
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const failure = (what: string) =>
    new Error(`ferretdb ${what} (exit ${child.exitCode ?? child.signalCode ?? "none yet"}); ${logFile}:\n${logTail(logFile)}`);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);

  try {
    const url = await Promise.race([listeningUrl(child), timeout(deadline, () => failure("reported no listening address"))]);
    if (url === undefined) {
      // stdout closes as the process ends: wait for it, so the failure has its exit status.
      await exited;
      throw failure("exited before listening");
    }
    await Promise.race([pingUntilAnswered(url, deadline), exited.then(() => Promise.reject(failure("exited before answering a ping")))]);
    return { url, port: Number(new URL(url).port), dataDir, logFile, process: child, stop };
  } catch (error) {
    await stop("SIGKILL");
    throw error;
  }
}

/**
 * The `url` of the first JSON line on stdout, {"listening":"127.0.0.1:PORT","url":"mongodb://…/"},
 * or undefined when stdout closes first (the server exited).
 */
async function listeningUrl(child: ChildProcess): Promise<string | undefined> {
  for await (const line of createInterface({ input: child.stdout! })) {
    const report = JSON.parse(line) as { url?: unknown };
    if (typeof report.url === "string") return report.url;
  }
  return undefined;
}

async function pingUntilAnswered(url: string, deadline: number): Promise<void> {
  for (;;) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 1_000, directConnection: true });
    try {
      await client.db("admin").command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`ferretdb at ${url} answered no ping: ${String(error)}`);
    } finally {
      await client.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function timeout(deadline: number, error: () => Error): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(error()), Math.max(0, deadline - Date.now())).unref());
}

const logTail = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").slice(-4000) : "");

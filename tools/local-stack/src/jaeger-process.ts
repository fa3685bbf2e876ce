import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freeLoopbackPorts } from "./free-port.js";
import { repoRoot } from "./service-process.js";

// A real Jaeger v2 (tools/jaeger, built from the Go module proxy) for a test run or the demo:
// OTLP in, traces in memory, the query API out, all on free loopback ports.

export interface JaegerProcess {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP). */
  otlpHttpUrl: string;
  /** Jaeger's query API and the UI's address: GET {queryUrl}/api/traces/{traceId}. */
  queryUrl: string;
  logFile: string;
  process: ChildProcess;
  /** The trace as Jaeger's query API returns it, or undefined while Jaeger has none. */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
  stop(): Promise<void>;
}

/** One trace in the shape of Jaeger's query API (GET /api/traces/{id}). */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: "CHILD_OF" | "FOLLOWS_FROM"; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags: Array<{ key: string; type: string; value: unknown }>;
  processID: string;
}

/** Builds tools/jaeger if its binary is missing or older than its sources, and returns its path. */
export async function buildJaeger(): Promise<string> {
  const { stdout } = await promisify(execFile)("bash", [join(repoRoot, "tools", "jaeger", "build.sh")], { maxBuffer: 1 << 20 });
  const binary = stdout.trim().split("\n").pop() ?? "";
  if (!existsSync(binary)) throw new Error(`tools/jaeger/build.sh printed no binary: ${stdout}`);
  return binary;
}

/** Starts Jaeger with its log in `dir`, ready once its health endpoint says so. */
export async function startJaeger(dir: string, timeoutMs = 30_000): Promise<JaegerProcess> {
  const binary = await buildJaeger();
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, "jaeger.log");
  const [health, queryHttp, queryGrpc, otlpGrpc, otlpHttp] = await freeLoopbackPorts(5);
  const log = openSync(logFile, "a");
  const child = spawn(binary, ["--config", `file:${join(repoRoot, "tools", "jaeger", "jaeger.yaml")}`], {
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      JAEGER_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
      JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${queryHttp}`,
      JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${queryGrpc}`,
      JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${otlpGrpc}`,
      JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpHttp}`,
    },
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const queryUrl = `http://127.0.0.1:${queryHttp}`;
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`jaeger exited with ${child.exitCode}; ${logFile}:\n${logTail(logFile)}`);
      const healthy = await fetch(`http://127.0.0.1:${health}/status`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) break;
      if (Date.now() > deadline) throw new Error(`jaeger not healthy within ${timeoutMs} ms; ${logFile}:\n${logTail(logFile)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw error;
  }
  return {
    otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`,
    queryUrl,
    logFile,
    process: child,
    stop,
    async trace(traceId) {
      const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`jaeger answered ${response.status} for trace ${traceId}: ${await response.text()}`);
      const body = (await response.json()) as { data: JaegerTrace[] | null };
      return body.data?.[0];
    },
  };
}

const logTail = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").slice(-4000) : "");

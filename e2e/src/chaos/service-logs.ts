import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** One pino record, tagged with the log file (the process name) it came from. */
export interface LogRecord {
  process: string;
  level: number;
  time: number;
  pid: number;
  msg: string;
  [field: string]: unknown;
}

export interface ServiceLogs {
  records: LogRecord[];
  /** Lines that are not pino JSON: what Node prints for an uncaught exception, for instance. */
  otherLines: Array<{ process: string; line: string }>;
}

const FATAL = 60;

/** Reads every `<process>.log` in the folder; each restart appends to its process's file. */
export function readServiceLogs(logDir: string): ServiceLogs {
  const records: LogRecord[] = [];
  const otherLines: ServiceLogs["otherLines"] = [];
  if (!existsSync(logDir)) return { records, otherLines };
  for (const file of readdirSync(logDir).filter((f) => f.endsWith(".log"))) {
    const process = basename(file, ".log");
    for (const line of readFileSync(join(logDir, file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        records.push({ ...(JSON.parse(line) as LogRecord), process });
      } catch {
        otherLines.push({ process, line });
      }
    }
  }
  return { records, otherLines };
}

/**
 * Log evidence of a crash: a fatal record, or an uncaught exception or unhandled rejection in
 * any form (Node prints those to stderr, which goes to the same file, as plain text).
 */
export function crashEvidence(logs: ServiceLogs): string[] {
  const crashWords = /uncaught|unhandled/i;
  return [
    ...logs.records
      .filter((r) => r.level >= FATAL || crashWords.test(r.msg ?? "") || crashWords.test(JSON.stringify(r["err"] ?? "")))
      .map((r) => `${r.process} pid ${r.pid}: ${r.msg} ${JSON.stringify(r["err"] ?? "").slice(0, 300)}`),
    ...logs.otherLines
      .filter((l) => crashWords.test(l.line) || /^\s*at |Error/.test(l.line))
      .map((l) => `${l.process}: ${l.line.slice(0, 300)}`),
  ];
}

/** Error-level records grouped by message, for the report (handled, but worth seeing). */
export function errorSummary(logs: ServiceLogs): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of logs.records.filter((r) => r.level >= 50 && r.level < FATAL)) {
    const key = `${r.process.replace(/-\d+$/, "")}: ${r.msg}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

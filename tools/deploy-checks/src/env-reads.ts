import type { Env } from "@invoicing/service-kit/config";

// Which environment variables a piece of code reads, learned by running it against an
// environment that records every lookup: the code itself is the list.

export interface RecordedRun<T> {
  reads: Set<string>;
  result?: T;
  error?: unknown;
}

function recordingEnv(values: Record<string, string>, reads: Set<string>): Env {
  return new Proxy(
    { ...values },
    {
      get(target, key) {
        if (typeof key === "string") reads.add(key);
        return Reflect.get(target, key);
      },
    },
  );
}

/** Runs `read(env)` (a service's readConfig) on `values`; a thrown error is returned, not raised. */
export function recordEnvReads<T>(values: Record<string, string>, read: (env: Env) => T): RecordedRun<T> {
  const reads = new Set<string>();
  try {
    return { reads, result: read(recordingEnv(values, reads)) };
  } catch (error) {
    return { reads, error };
  }
}

/**
 * For code that reads process.env itself (the logger's LOG_LEVEL): process.env is swapped for
 * a recording one while `run` executes, synchronously, and restored after.
 */
export function recordProcessEnvReads(values: Record<string, string>, run: () => void): Set<string> {
  const reads = new Set<string>();
  const original = process.env;
  process.env = recordingEnv(values, reads) as NodeJS.ProcessEnv;
  try {
    run();
  } finally {
    process.env = original;
  }
  return reads;
}

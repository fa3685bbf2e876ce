import { trace } from "@opentelemetry/api";
import { pino, type Logger } from "pino";

export type { Logger };

// Every line carries the active trace id, so a log search and a Jaeger search meet.
export function createLogger(service: string, level = process.env["LOG_LEVEL"] ?? "info"): Logger {
  return pino({
    name: service,
    level,
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}

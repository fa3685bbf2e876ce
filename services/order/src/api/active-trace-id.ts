import { trace } from "@opentelemetry/api";
import { randomUUID } from "node:crypto";

/** The call's trace id, which the invoice and the mail will carry; a fresh one when tracing is off. */
export function activeTraceId(): string {
  return trace.getActiveSpan()?.spanContext().traceId ?? randomUUID().replaceAll("-", "");
}

import type { JaegerSpan, JaegerTrace } from "@invoicing/local-stack/jaeger-process";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_TEMPLATE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_RPC_METHOD,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
} from "@opentelemetry/semantic-conventions/incubating";

// What a developer following one payment in Jaeger must find: one trace from the payment call to
// the mail, spans from all four services, each gRPC client span the parent of the server span it
// called, each JetStream publish the parent of its processing on both hops, and names and
// attributes in OpenTelemetry's semantic conventions for RPC and messaging. Checked on the trace
// exactly as Jaeger's query API returns it.

export const PIPELINE_SERVICES = ["order", "invoice", "renderer", "notifier"] as const;

/** The two JetStream hops of an invoice: who publishes, who processes. */
const HOPS = [
  { template: "payments.completed.*", producer: "order", consumer: "invoice" },
  { template: "invoices.generated.*", producer: "invoice", consumer: "notifier" },
] as const;

/** The gRPC calls between the services: caller, callee, method. */
const CALLS = [
  { client: "invoice", server: "renderer", method: "invoicing.render.v1.RenderService/RenderPdf" },
  { client: "notifier", server: "invoice", method: "invoicing.invoice.v1.InvoiceService/GetInvoice" },
  { client: "notifier", server: "invoice", method: "invoicing.invoice.v1.InvoiceService/GetInvoicePdf" },
] as const;

export const tag = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;
const kindOf = (span: JaegerSpan) => tag(span, "span.kind");
const parentOf = (span: JaegerSpan) => span.references.find((r) => r.refType === "CHILD_OF")?.spanID;

/** Every way the trace falls short of that; empty when it holds. */
export function traceShapeProblems(trace: JaegerTrace | undefined, traceId: string): string[] {
  if (!trace) return [`Jaeger has no trace ${traceId}`];
  const problems: string[] = [];
  const serviceOf = (span: JaegerSpan) => trace.processes[span.processID]?.serviceName ?? "?";
  const spans = trace.spans;
  const byId = new Map(spans.map((span) => [span.spanID, span]));

  const foreign = spans.filter((span) => span.traceID !== traceId);
  if (foreign.length > 0) problems.push(`${foreign.length} spans of other traces: ${foreign.map((s) => s.traceID).join(", ")}`);
  const services = new Set(spans.map(serviceOf));
  for (const service of PIPELINE_SERVICES) if (!services.has(service)) problems.push(`no span from ${service}`);

  for (const hop of HOPS) {
    const consumers = spans.filter((s) => kindOf(s) === "consumer" && tag(s, ATTR_MESSAGING_DESTINATION_TEMPLATE) === hop.template);
    const joined = consumers.filter((consumer) => {
      const parent = byId.get(parentOf(consumer) ?? "");
      return (
        parent !== undefined &&
        kindOf(parent) === "producer" &&
        serviceOf(parent) === hop.producer &&
        serviceOf(consumer) === hop.consumer &&
        tag(parent, ATTR_MESSAGING_DESTINATION_NAME) === tag(consumer, ATTR_MESSAGING_DESTINATION_NAME)
      );
    });
    if (joined.length === 0)
      problems.push(`no ${hop.consumer} CONSUMER span of ${hop.template} whose parent is ${hop.producer}'s PRODUCER span`);
  }

  for (const call of CALLS) {
    const servers = spans.filter((s) => kindOf(s) === "server" && serviceOf(s) === call.server && s.operationName === call.method);
    const joined = servers.filter((server) => {
      const parent = byId.get(parentOf(server) ?? "");
      return (
        parent !== undefined &&
        kindOf(parent) === "client" &&
        serviceOf(parent) === call.client &&
        parent.operationName === server.operationName
      );
    });
    if (joined.length === 0) problems.push(`no ${call.server} SERVER span of ${call.method} whose parent is ${call.client}'s CLIENT span`);
  }

  // The trace ends with the mail: the notifier's CLIENT span to the mail server (or the outbox folder).
  const mail = spans.find((s) => serviceOf(s) === "notifier" && kindOf(s) === "client" && / send$/.test(s.operationName));
  if (!mail) problems.push("no notifier CLIENT span sending the mail");

  for (const span of spans) {
    const where = `${serviceOf(span)} "${span.operationName}"`;
    if (tag(span, ATTR_RPC_SYSTEM_NAME) !== undefined) {
      if (!["grpc", "connectrpc"].includes(String(tag(span, ATTR_RPC_SYSTEM_NAME)))) problems.push(`${where}: rpc.system.name`);
      if (tag(span, ATTR_RPC_METHOD) !== span.operationName) problems.push(`${where}: named otherwise than its rpc.method`);
      if (!/^[\w.]+\/\w+$/.test(span.operationName)) problems.push(`${where}: not "package.Service/Method"`);
      if (typeof tag(span, ATTR_RPC_RESPONSE_STATUS_CODE) !== "string") problems.push(`${where}: no rpc.response.status_code`);
      if (tag(span, ATTR_RPC_RESPONSE_STATUS_CODE) !== "OK" && kindOf(span) === "client" && tag(span, ATTR_ERROR_TYPE) === undefined) {
        problems.push(`${where}: a failed call without error.type`);
      }
    }
    if (kindOf(span) === "producer" || kindOf(span) === "consumer") {
      const operation = kindOf(span) === "producer" ? "send" : "process";
      if (tag(span, ATTR_MESSAGING_SYSTEM) !== "nats") problems.push(`${where}: messaging.system`);
      if (tag(span, ATTR_MESSAGING_OPERATION_TYPE) !== operation) problems.push(`${where}: messaging.operation.type is not ${operation}`);
      const expected = `${tag(span, ATTR_MESSAGING_OPERATION_NAME)} ${tag(span, ATTR_MESSAGING_DESTINATION_TEMPLATE)}`;
      if (span.operationName !== expected) problems.push(`${where}: not named "${expected}"`);
      if (typeof tag(span, ATTR_MESSAGING_DESTINATION_NAME) !== "string") problems.push(`${where}: no messaging.destination.name`);
    }
  }
  return problems;
}

import { type Attributes, type Span, SpanStatusCode } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from "@opentelemetry/semantic-conventions";
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_TEMPLATE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_RPC_METHOD,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
  RPC_SYSTEM_NAME_VALUE_CONNECTRPC,
  RPC_SYSTEM_NAME_VALUE_GRPC,
} from "@opentelemetry/semantic-conventions/incubating";

// Span names and attributes of the hand-made spans (Connect handlers and clients, the grpc-js
// render client, NATS publish and process), in OpenTelemetry's semantic conventions for RPC and
// messaging, written once: every key comes from @opentelemetry/semantic-conventions, so a
// renamed convention is a compile error here rather than a silent gap in Jaeger.

export type RpcSystem = typeof RPC_SYSTEM_NAME_VALUE_GRPC | typeof RPC_SYSTEM_NAME_VALUE_CONNECTRPC;

/** An RPC span: named by its fully qualified method, as `rpc.method` states it. */
export function rpcSpan(service: string, method: string, system: RpcSystem = RPC_SYSTEM_NAME_VALUE_GRPC) {
  const name = `${service}/${method}`;
  return { name, attributes: { [ATTR_RPC_SYSTEM_NAME]: system, [ATTR_RPC_METHOD]: name } satisfies Attributes };
}

/** The Connect protocol a request speaks: gRPC (and gRPC-Web) or Connect's own. */
export const rpcSystemOf = (contentType: string | null): RpcSystem =>
  contentType?.startsWith("application/grpc") ? RPC_SYSTEM_NAME_VALUE_GRPC : RPC_SYSTEM_NAME_VALUE_CONNECTRPC;

/** The address a client span called. */
export const serverAddress = (host: string, port: number): Attributes => ({ [ATTR_SERVER_ADDRESS]: host, [ATTR_SERVER_PORT]: port });

// gRPC codes a server reports as its own failure; the others are the caller's (semantic conventions).
const SERVER_FAULTS = new Set(["UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"]);

/**
 * Ends an RPC span with its status: `rpc.response.status_code` as the protocol names it
 * ("NOT_FOUND" in gRPC, "not_found" in Connect), and ERROR for every failure a client sees and
 * for the failures that are a server's own.
 */
export function endRpcSpan(span: Span, side: "client" | "server", system: RpcSystem, code: string, message?: string): void {
  const grpcName = code.toUpperCase();
  span.setAttribute(ATTR_RPC_RESPONSE_STATUS_CODE, system === RPC_SYSTEM_NAME_VALUE_GRPC ? grpcName : code.toLowerCase());
  if (grpcName !== "OK" && (side === "client" || SERVER_FAULTS.has(grpcName))) {
    span.setAttribute(ATTR_ERROR_TYPE, grpcName);
    span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
  }
  span.end();
}

export const MESSAGING_SYSTEM_NATS = "nats";

/**
 * The low-cardinality form of a subject: the id in its last token replaced by NATS's wildcard
 * ("payments.completed.ord_1" → "payments.completed.*"), for span names and grouping.
 */
export function subjectTemplate(subject: string): string {
  const tokens = subject.split(".");
  return tokens.length > 2 ? [...tokens.slice(0, -1), "*"].join(".") : subject;
}

/** A messaging span: `send` by a producer, `process` by a consumer, named "{operation} {template}". */
export function messagingSpan(operation: "send" | "process", subject: string, extra: { messageId?: string; consumerGroup?: string }) {
  const template = subjectTemplate(subject);
  const operationName = operation === "send" ? "publish" : "process";
  return {
    name: `${operationName} ${template}`,
    attributes: {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_NATS,
      [ATTR_MESSAGING_OPERATION_TYPE]: operation === "send" ? MESSAGING_OPERATION_TYPE_VALUE_SEND : MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
      [ATTR_MESSAGING_OPERATION_NAME]: operationName,
      [ATTR_MESSAGING_DESTINATION_NAME]: subject,
      [ATTR_MESSAGING_DESTINATION_TEMPLATE]: template,
      ...(extra.messageId ? { [ATTR_MESSAGING_MESSAGE_ID]: extra.messageId } : {}),
      ...(extra.consumerGroup ? { [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: extra.consumerGroup } : {}),
    } satisfies Attributes,
  };
}

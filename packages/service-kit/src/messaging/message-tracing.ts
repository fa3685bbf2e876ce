import type { JetStreamClient, JsMsg, PubAck } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";
import { SIGNATURE_HEADER, type EventSigner } from "./event-signature.js";
import { messagingSpan } from "../observability/span-attributes.js";

const tracer = trace.getTracer("invoicing.messaging");

const hdrSetter: TextMapSetter<MsgHdrs> = { set: (h, k, v) => h.set(k, v) };
const hdrGetter: TextMapGetter<MsgHdrs> = {
  get: (h, k) => (h.has(k) ? h.get(k) : undefined),
  keys: (h) => h.keys(),
};
const recordSetter: TextMapSetter<Record<string, string>> = { set: (r, k, v) => (r[k] = v) };
const recordGetter: TextMapGetter<Record<string, string>> = {
  get: (r, k) => r[k],
  keys: (r) => Object.keys(r),
};

/** The active trace as a `traceparent` string, to keep with work that is published later. */
export function currentTraceparent(): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier, recordSetter);
  return carrier["traceparent"] ?? "";
}

export function contextFromTraceparent(traceparent: string): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent }, recordGetter);
}

/**
 * Publishes in a PRODUCER span with the trace in the message headers. `msgID` becomes
 * Nats-Msg-Id, so JetStream drops a republish inside its duplicate window. `signer` adds the
 * producer's Event-Signature (see event-signature.ts), which every consumer checks.
 */
export async function publishTraced(
  js: JetStreamClient,
  subject: string,
  payload: Uint8Array,
  options: { msgID: string; signer: EventSigner; parent?: Context; timeoutMs?: number },
): Promise<PubAck> {
  const { name, attributes } = messagingSpan("send", subject, { messageId: options.msgID });
  const span = tracer.startSpan(name, { kind: SpanKind.PRODUCER, attributes }, options.parent ?? context.active());
  const hdrs = natsHeaders();
  propagation.inject(trace.setSpan(options.parent ?? context.active(), span), hdrs, hdrSetter);
  hdrs.set(SIGNATURE_HEADER, options.signer.sign(subject, payload));
  try {
    const ack = await js.publish(subject, payload, {
      msgID: options.msgID,
      headers: hdrs,
      timeout: options.timeoutMs ?? 5_000,
    });
    span.setAttribute("messaging.nats.duplicate", ack.duplicate);
    return ack;
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}

const spanOf = (span: ReturnType<typeof messagingSpan>, deliveryCount: number) =>
  [span.name, { kind: SpanKind.CONSUMER, attributes: { ...span.attributes, "messaging.nats.delivery_count": deliveryCount } }] as const;

/**
 * Runs `handle` in a CONSUMER span, the child of the PRODUCER span whose trace the message
 * headers carry, so Jaeger shows the publish as the parent of its processing.
 */
export async function consumeTraced<T>(msg: JsMsg, name: string, handle: () => Promise<T>): Promise<T> {
  const parent = msg.headers ? propagation.extract(ROOT_CONTEXT, msg.headers, hdrGetter) : ROOT_CONTEXT;
  const span = tracer.startSpan(...spanOf(messagingSpan("process", msg.subject, { consumerGroup: name }), msg.info.deliveryCount), parent);
  try {
    return await context.with(trace.setSpan(parent, span), handle);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}

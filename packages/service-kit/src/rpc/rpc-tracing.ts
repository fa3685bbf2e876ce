import { Code, ConnectError, type Interceptor, type StreamResponse } from "@connectrpc/connect";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";
import { endRpcSpan, rpcSpan, rpcSystemOf, type RpcSystem } from "../observability/span-attributes.js";

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};
const headerSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

const tracer = trace.getTracer("invoicing.rpc");

// Connect handlers and clients have no official OpenTelemetry instrumentation, so their spans
// are made here, in the RPC semantic conventions (span-attributes.ts).

/** A SERVER span per call, child of the caller's `traceparent`, active while the handler runs. */
export const serverTracing: Interceptor = (next) => async (req) => {
  const parent = propagation.extract(ROOT_CONTEXT, req.header, headerGetter);
  const ended = rpcEnd("server", rpcSystemOf(req.header.get("content-type")));
  const { name, attributes } = rpcSpan(req.service.typeName, req.method.name, ended.system);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return traced(span, trace.setSpan(parent, span), () => next(req), ended);
};

/** A CLIENT span per outgoing call, injected as `traceparent` so the server continues the trace. */
export const clientTracing: Interceptor = (next) => async (req) => {
  const ended = rpcEnd("client", "grpc");
  const { name, attributes } = rpcSpan(req.service.typeName, req.method.name, ended.system);
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  const ctx = trace.setSpan(context.active(), span);
  propagation.inject(ctx, req.header, headerSetter);
  return traced(span, ctx, () => next(req), ended);
};

interface RpcEnd {
  system: RpcSystem;
  ok(span: Span): void;
  failed(span: Span, error: unknown): void;
}

/** "NotFound" (connect-es's Code name) as "NOT_FOUND". */
const codeName = (code: Code) => Code[code].replace(/([a-z])([A-Z])/g, "$1_$2");

function rpcEnd(side: "client" | "server", system: RpcSystem): RpcEnd {
  return {
    system,
    ok: (span) => endRpcSpan(span, side, system, "OK"),
    failed: (span, error) => {
      const connectError = ConnectError.from(error);
      span.recordException(connectError);
      endRpcSpan(span, side, system, codeName(connectError.code), connectError.rawMessage);
    },
  };
}

async function traced<R extends { stream: boolean }>(span: Span, ctx: Context, call: () => Promise<R>, end: RpcEnd): Promise<R> {
  let response: R;
  try {
    response = await context.with(ctx, call);
  } catch (error) {
    end.failed(span, error);
    throw error;
  }
  if (!response.stream) {
    end.ok(span);
    return response;
  }
  // A streaming handler's body runs as the stream is read, so the span stays open (and its
  // context active) until the last message.
  const streamResponse = response as unknown as StreamResponse;
  return {
    ...streamResponse,
    message: iterateInContext(streamResponse.message, span, ctx, end),
  } as unknown as R;
}

async function* iterateInContext<T>(source: AsyncIterable<T>, span: Span, ctx: Context, end: RpcEnd) {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await context.with(ctx, () => iterator.next());
      if (step.done) break;
      yield step.value;
    }
    end.ok(span);
  } catch (error) {
    end.failed(span, error);
    throw error;
  } finally {
    // The caller stopped reading early (it cancelled): the span ends as Connect reports it.
    if (span.isRecording()) end.failed(span, new ConnectError("the caller stopped reading", Code.Canceled));
    await iterator.return?.();
  }
}

import type { Interceptor, StreamResponse } from "@connectrpc/connect";
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};
const headerSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

const tracer = trace.getTracer("invoicing.rpc");

/** A SERVER span per call, child of the caller's `traceparent`, active while the handler runs. */
export const serverTracing: Interceptor = (next) => async (req) => {
  const parent = propagation.extract(ROOT_CONTEXT, req.header, headerGetter);
  const span = tracer.startSpan(
    `${req.service.typeName}/${req.method.name}`,
    { kind: SpanKind.SERVER, attributes: rpcAttributes(req.service.typeName, req.method.name) },
    parent,
  );
  return traced(span, trace.setSpan(parent, span), () => next(req));
};

/** A CLIENT span per outgoing call, injected as `traceparent` so the server continues the trace. */
export const clientTracing: Interceptor = (next) => async (req) => {
  const span = tracer.startSpan(`${req.service.typeName}/${req.method.name}`, {
    kind: SpanKind.CLIENT,
    attributes: rpcAttributes(req.service.typeName, req.method.name),
  });
  const ctx = trace.setSpan(context.active(), span);
  propagation.inject(ctx, req.header, headerSetter);
  return traced(span, ctx, () => next(req));
};

function rpcAttributes(service: string, method: string) {
  return { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method };
}

async function traced<R extends { stream: boolean }>(span: Span, ctx: Context, call: () => Promise<R>): Promise<R> {
  let response: R;
  try {
    response = await context.with(ctx, call);
  } catch (error) {
    endWithError(span, error);
    throw error;
  }
  if (!response.stream) {
    span.end();
    return response;
  }
  // A streaming handler's body runs as the stream is read, so the span stays open (and its
  // context active) until the last message.
  const streamResponse = response as unknown as StreamResponse;
  return {
    ...streamResponse,
    message: iterateInContext(streamResponse.message, span, ctx),
  } as unknown as R;
}

async function* iterateInContext<T>(source: AsyncIterable<T>, span: Span, ctx: Context) {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await context.with(ctx, () => iterator.next());
      if (step.done) break;
      yield step.value;
    }
    span.end();
  } catch (error) {
    endWithError(span, error);
    throw error;
  } finally {
    if (span.isRecording()) span.end();
    await iterator.return?.();
  }
}

function endWithError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  span.end();
}

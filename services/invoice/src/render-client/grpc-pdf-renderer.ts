import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import {
  RenderPdfRequestSchema,
  RenderPdfResponseSchema,
  RenderService,
  type RenderPdfResponse,
} from "@invoicing/contracts/invoicing/render/v1/render_pb";
import type { TlsIdentity } from "@invoicing/service-kit/config";
import { endRpcSpan, rpcSpan } from "@invoicing/service-kit/observability";
import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import { RenderFailed, type PdfRenderer } from "../issuing/pdf-renderer.js";
import { toGrpcTarget } from "./grpc-target.js";
import { renderCredentials } from "./render-credentials.js";
import { isRefusal } from "./render-verdict.js";

const RENDER_PDF = "/invoicing.render.v1.RenderService/RenderPdf";

const serviceConfig = {
  loadBalancingConfig: [{ round_robin: {} }],
  methodConfig: [
    {
      name: [{ service: "invoicing.render.v1.RenderService" }],
      // A busy or vanished replica is retried on the next one; the message's own redelivery
      // covers anything longer.
      retryPolicy: {
        maxAttempts: 4,
        initialBackoff: "0.1s",
        maxBackoff: "1s",
        backoffMultiplier: 2,
        retryableStatusCodes: ["UNAVAILABLE", "RESOURCE_EXHAUSTED"],
      },
    },
  ],
};

const tracer = trace.getTracer("invoicing.render-client");

/**
 * The render pool over grpc-js: round robin over every address of the target, retries on a
 * busy or vanished replica, and the pool's refusals told apart from its outages (RenderFailed).
 */
export class GrpcPdfRenderer implements PdfRenderer {
  readonly #client: grpc.Client;
  readonly #deadlineMs: number;

  /** With `tls`, the invoice service's certificate is presented and the renderer's checked against its CA. */
  constructor(target: string, deadlineMs: number, tls?: TlsIdentity) {
    this.#deadlineMs = deadlineMs;
    this.#client = new grpc.Client(toGrpcTarget(target), renderCredentials(tls), {
      "grpc.service_config": JSON.stringify(serviceConfig),
      "grpc.keepalive_time_ms": 20_000,
      "grpc.keepalive_timeout_ms": 5_000,
      "grpc.keepalive_permit_without_calls": 1,
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
      "grpc.enable_retries": 1,
      // A renderer that comes back (a restarted pod, a fixed outage) is found within 2 s. The
      // default backoff grows to 120 s, and meanwhile every call fails at once: the consumer's
      // own retries ran out on it and a replayed dead letter was dead-lettered again.
      "grpc.initial_reconnect_backoff_ms": 250,
      "grpc.max_reconnect_backoff_ms": 2_000,
    });
  }

  renderPdf(html: string): Promise<RenderPdfResponse> {
    // Hand-made rather than @opentelemetry/instrumentation-grpc: that patches grpc-js as it is
    // required, which an ES module service loaded through tsx only allows with a loader hook
    // at start; this one client call is all the invoice service makes with grpc-js.
    const { name, attributes } = rpcSpan(RenderService.typeName, RenderService.method.renderPdf.name);
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
    const metadata = new grpc.Metadata();
    // Wait for a renderer, within the deadline, rather than fail at once while none is
    // connected: a pool between pods (a rollout, a crashed replica coming back, the end of an
    // outage) delays renders instead of spending the message's attempts in a few seconds.
    // grpc-js reads this from the call's metadata, not from the service config.
    metadata.setOptions({ waitForReady: true });
    propagation.inject(trace.setSpan(context.active(), span), metadata, {
      set: (carrier, key, value) => carrier.set(key, value),
    });
    const request = create(RenderPdfRequestSchema, { html, page: { format: "A4" } });
    return new Promise<RenderPdfResponse>((resolve, reject) => {
      this.#client.makeUnaryRequest(
        RENDER_PDF,
        (message: typeof request) => Buffer.from(toBinary(RenderPdfRequestSchema, message)),
        (bytes: Buffer) => fromBinary(RenderPdfResponseSchema, bytes),
        request,
        metadata,
        { deadline: Date.now() + this.#deadlineMs },
        (error, response) => {
          if (error || !response) {
            const code = error?.code ?? grpc.status.UNKNOWN;
            const details = statusDetails(error?.details);
            endRpcSpan(span, "client", "grpc", grpc.status[code] ?? "UNKNOWN", details);
            reject(new RenderFailed(`render failed: ${grpc.status[code]} ${details}`.trim(), isRefusal(code, details)));
            return;
          }
          span.setAttribute("render.millis", response.renderMillis);
          endRpcSpan(span, "client", "grpc", "OK");
          resolve(response);
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}

/**
 * The renderer's message as it wrote it. Connect percent-encodes all of grpc-message (":" and
 * "," too) while grpc-js undoes only what the gRPC spec requires, so "html: ..." arrives as
 * "html%3A ...": decoded here, kept as it came when it is not valid percent-encoding.
 */
function statusDetails(details: string | undefined): string {
  if (!details) return "";
  try {
    return decodeURIComponent(details);
  } catch {
    return details;
  }
}

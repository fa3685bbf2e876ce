import { propagation } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ConfigError, envOneOf, envOptional, type Env } from "../config/env-config.js";

export type TracesExporter = "otlp" | "jaeger" | "none";

export interface TracingConfig {
  exporter: TracesExporter;
  otlpProtocol: "http/protobuf" | "http/json";
  /** Where the opt-in legacy Jaeger exporter sends (Jaeger collector's HTTP Thrift port). */
  jaegerEndpoint: string | undefined;
}

// The OpenTelemetry variable names, so an operator's usual settings work unchanged. OTLP is the
// default whenever an endpoint is set: Jaeger ingests OTLP natively since 1.35.
export function readTracingConfig(env: Env): TracingConfig {
  const otlpEndpoint = envOptional(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? envOptional(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  const exporter = envOneOf<TracesExporter>(env, "OTEL_TRACES_EXPORTER", ["otlp", "jaeger", "none"], otlpEndpoint ? "otlp" : "none");
  const jaegerEndpoint = envOptional(env, "OTEL_EXPORTER_JAEGER_ENDPOINT");
  if (exporter === "jaeger" && !jaegerEndpoint) {
    throw new ConfigError(
      "OTEL_EXPORTER_JAEGER_ENDPOINT",
      "must be set when OTEL_TRACES_EXPORTER=jaeger (e.g. http://jaeger:14268/api/traces)",
    );
  }
  return {
    exporter,
    otlpProtocol: envOneOf(env, "OTEL_EXPORTER_OTLP_PROTOCOL", ["http/protobuf", "http/json"], "http/protobuf"),
    jaegerEndpoint,
  };
}

export interface Tracing {
  shutdown(): Promise<void>;
}

// Propagation is registered even with no exporter: trace ids still travel in headers and
// payloads and appear in logs, which is what a developer follows without a Jaeger at hand.
export async function startTracing(serviceName: string, config: TracingConfig): Promise<Tracing> {
  const spanProcessors: SpanProcessor[] = [];
  const exporter = await createExporter(config);
  if (exporter) spanProcessors.push(new BatchSpanProcessor(exporter));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return { shutdown: () => provider.shutdown() };
}

async function createExporter(config: TracingConfig): Promise<SpanExporter | undefined> {
  switch (config.exporter) {
    case "none":
      return undefined;
    case "otlp":
      if (config.otlpProtocol === "http/json") {
        const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
        return new OTLPTraceExporter();
      } else {
        const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
        return new OTLPTraceExporter();
      }
    case "jaeger": {
      // Deprecated upstream (no security fixes since March 2024); only for collectors that
      // predate OTLP ingestion. Loaded lazily so the default path never touches it.
      const { JaegerExporter } = await import("@opentelemetry/exporter-jaeger");
      return new JaegerExporter({ endpoint: config.jaegerEndpoint });
    }
  }
}

import type { JaegerSpan, JaegerTrace } from "./jaeger-process.js";

/**
 * A trace as an indented tree of its spans, children under their parent in start order:
 * "name [service, kind] 12.3 ms". What a developer reads where this Jaeger build has no UI.
 */
export function traceTree(trace: JaegerTrace): string[] {
  const children = new Map<string | undefined, JaegerSpan[]>();
  const ids = new Set(trace.spans.map((span) => span.spanID));
  for (const span of trace.spans) {
    const parent = span.references.find((reference) => reference.refType === "CHILD_OF")?.spanID;
    const key = parent && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
      const kind = span.tags.find((tag) => tag.key === "span.kind")?.value ?? "internal";
      const service = trace.processes[span.processID]?.serviceName ?? "?";
      lines.push(`${"  ".repeat(depth)}${span.operationName} [${service}, ${kind}] ${(span.duration / 1000).toFixed(1)} ms`);
      walk(span.spanID, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

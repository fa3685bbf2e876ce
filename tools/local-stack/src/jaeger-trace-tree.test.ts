import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JaegerSpan } from "./jaeger-process.js";
import { traceTree } from "./jaeger-trace-tree.js";

const span = (spanID: string, operationName: string, startTime: number, parent?: string, kind = "server"): JaegerSpan => ({
  traceID: "t",
  spanID,
  operationName,
  references: parent ? [{ refType: "CHILD_OF", traceID: "t", spanID: parent }] : [],
  startTime,
  duration: 1500,
  tags: [{ key: "span.kind", type: "string", value: kind }],
  processID: spanID === "a" ? "p1" : "p2",
});

describe("traceTree", () => {
  it("puts children under their parent in start order, and a span whose parent is missing at the top", () => {
    const tree = traceTree({
      traceID: "t",
      processes: { p1: { serviceName: "order" }, p2: { serviceName: "invoice" } },
      spans: [
        span("c", "second", 30, "a", "consumer"),
        span("a", "root", 10),
        span("b", "first", 20, "a", "producer"),
        span("d", "orphan", 5, "zz"),
      ],
    });
    assert.deepEqual(tree, [
      "orphan [invoice, server] 1.5 ms",
      "root [order, server] 1.5 ms",
      "  first [invoice, producer] 1.5 ms",
      "  second [invoice, consumer] 1.5 ms",
    ]);
  });
});

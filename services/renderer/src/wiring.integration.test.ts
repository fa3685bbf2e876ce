import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Code, ConnectError } from "@connectrpc/connect";
import { Health, HealthCheckResponse_ServingStatus } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { createLogger } from "@invoicing/service-kit/observability";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { readConfig } from "./config.js";
import { startRenderer, type RunningRenderer } from "./wiring.js";

describe("renderer over gRPC with real Chromium", () => {
  let renderer: RunningRenderer;
  let client: ReturnType<typeof createClient<typeof RenderService>>;
  let probe: http.Server;
  const probeHits: string[] = [];

  before(async () => {
    probe = http.createServer((req, res) => {
      probeHits.push(req.url ?? "");
      res.end("x");
    });
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const config = readConfig({ RENDERER_PORT: "0", RENDER_PAGES: "1", RENDER_QUEUE_LIMIT: "1" });
    renderer = await startRenderer(config, createLogger("renderer-test", "silent"));
    client = createClient(RenderService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${renderer.server.port}` }));
  });

  after(async () => {
    await renderer.stop();
    probe.close();
  });

  it("answers grpc.health.v1 SERVING", async () => {
    const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${renderer.server.port}` }));
    const { status } = await health.check({ service: "" });
    assert.equal(status, HealthCheckResponse_ServingStatus.SERVING);
  });

  it("renders HTML to a PDF with its text and page count", async () => {
    const res = await client.renderPdf({
      html: "<html><body><h1>Invoice INV-2026-000001</h1><p style='page-break-after:always'>one</p><p>two</p></body></html>",
    });
    assert.equal(Buffer.from(res.pdf.subarray(0, 5)).toString(), "%PDF-");
    assert.equal(res.pageCount, 2);
    assert.match(pdfText(res.pdf), /Invoice INV-2026-000001/);
  });

  it("runs no script and reaches neither the network nor the file system", async () => {
    const base = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    const res = await client.renderPdf({
      html: `<html><body>
        <p id="x">script-did-not-run</p>
        <script>document.getElementById("x").textContent = "script-ran";</script>
        <img src="${base}/img.png"><link rel="stylesheet" href="${base}/style.css">
        <iframe src="file:///etc/hostname"></iframe>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      </body></html>`,
    });
    const text = pdfText(res.pdf);
    assert.match(text, /script-did-not-run/);
    assert.doesNotMatch(text, /script-ran/);
    assert.deepEqual(probeHits, []);
  });

  it("answers INVALID_ARGUMENT naming the field", async () => {
    await assert.rejects(client.renderPdf({ html: "  " }), (error: unknown) => {
      const e = ConnectError.from(error);
      return e.code === Code.InvalidArgument && /html/.test(e.rawMessage);
    });
    await assert.rejects(
      client.renderPdf({ html: "<p>x</p>", page: { format: "A3" } }),
      (error: unknown) =>
        ConnectError.from(error).code === Code.InvalidArgument && /page\.format/.test(ConnectError.from(error).rawMessage),
    );
  });

  it("takes documents past the small services' request limit; past its own, RESOURCE_EXHAUSTED before rendering", async () => {
    // Past the 2 MiB HTML cap but within the request limit, the handler names the field;
    // 5 MiB is refused by the server's limit before any handler runs.
    await assert.rejects(client.renderPdf({ html: "x".repeat(2.1 * 1024 * 1024) }), (error: unknown) => {
      const e = ConnectError.from(error);
      return e.code === Code.InvalidArgument && /^html: must be at most/.test(e.rawMessage);
    });
    await assert.rejects(client.renderPdf({ html: "x".repeat(5 * 1024 * 1024) }), (error: unknown) => {
      const e = ConnectError.from(error);
      return e.code === Code.ResourceExhausted && /larger than configured readMaxBytes/.test(e.rawMessage);
    });
  });

  it("answers RESOURCE_EXHAUSTED past the queue bound", async () => {
    // One page, one queue slot: of many concurrent renders some must be refused, none lost.
    const html = `<html><body>${"<p>row</p>".repeat(2000)}</body></html>`;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => client.renderPdf({ html })));
    const refused = results.filter((r) => r.status === "rejected" && ConnectError.from(r.reason).code === Code.ResourceExhausted);
    const done = results.filter((r) => r.status === "fulfilled");
    assert.ok(refused.length >= 1, `expected refusals, got ${refused.length}`);
    assert.ok(done.length >= 2, `expected some renders, got ${done.length}`);
    assert.equal(refused.length + done.length, 8);
    assert.match(ConnectError.from((refused[0] as PromiseRejectedResult).reason).rawMessage, /queue is full \(1 waiting\)/);
  });

  it("exposes Prometheus metrics: queue depth, in flight, render latency, browser memory", async () => {
    await client.renderPdf({ html: "<p>metrics</p>" });
    const res = await fetch(`http://127.0.0.1:${renderer.metrics.port}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const line of [
      /^renderer_queue_depth\{service="renderer"\} \d+$/m,
      /^renderer_in_flight\{service="renderer"\} \d+$/m,
      /^renderer_render_seconds_count\{service="renderer",outcome="ok"\} [1-9]\d*$/m,
      /^renderer_browser_memory_bytes\{service="renderer"\} [1-9]\d+$/m,
      /^process_resident_memory_bytes\{service="renderer"\} \d+/m,
    ]) {
      assert.match(text, line);
    }
  });
});

describe("renderer drain (what SIGTERM runs)", () => {
  it("finishes the renders in flight and queued, answers NOT_SERVING meanwhile, then takes no more", async () => {
    const config = readConfig({ RENDERER_PORT: "0", RENDER_PAGES: "2", RENDER_QUEUE_LIMIT: "16" });
    const renderer = await startRenderer(config, createLogger("renderer-test", "silent"));
    const baseUrl = `http://127.0.0.1:${renderer.server.port}`;
    const client = createClient(RenderService, createGrpcTransport({ baseUrl }));
    const html = (n: number) => `<html><body><h1>Drain ${n}</h1>${"<p>line</p>".repeat(200)}</body></html>`;
    const renders = Array.from({ length: 8 }, (_, n) => client.renderPdf({ html: html(n) }));
    // Wait until they are all inside the pool: two rendering, the rest queued.
    while (renderer.pool.inFlight + renderer.pool.queueDepth < 8) await new Promise((resolve) => setTimeout(resolve, 5));
    const queuedAtStop = renderer.pool.queueDepth;
    const stopped = renderer.stop();
    assert.equal(renderer.server.health.get(), HealthCheckResponse_ServingStatus.NOT_SERVING);

    const results = await Promise.allSettled(renders);
    const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    assert.deepEqual(failures, [], `every render accepted before the drain finishes (${queuedAtStop} were queued)`);
    assert.ok(queuedAtStop > 0, "some renders were still queued when the drain began");
    for (const [n, result] of results.entries()) {
      assert.match(pdfText((result as PromiseFulfilledResult<{ pdf: Uint8Array }>).value.pdf), new RegExp(`Drain ${n}`));
    }
    await stopped;
    await assert.rejects(
      createClient(RenderService, createGrpcTransport({ baseUrl })).renderPdf({ html: html(99) }),
      (error: unknown) => ConnectError.from(error).code === Code.Unavailable,
    );
  });
});

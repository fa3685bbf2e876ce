import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import { eventually } from "@invoicing/local-stack/eventually";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { scrapeSample } from "@invoicing/local-stack/prometheus-scrape";
import { startService } from "@invoicing/local-stack/service-process";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

// What Kubernetes does to a renderer pod in a rolling update: SIGTERM while it renders. Every
// render it has accepted, running or queued, must still come back as a PDF.
describe("a renderer process sent SIGTERM under load", { timeout: 60_000 }, () => {
  it("finishes every render it accepted, then exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "invoicing-renderer-drain-"));
    const renderer = await startService({
      service: "renderer",
      env: { RENDER_PAGES: "2", RENDER_QUEUE_LIMIT: "32" },
      logFile: join(dir, "renderer.log"),
    });
    const metricsPort = renderer.metricsPort;
    const client = createClient(RenderService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${renderer.port}` }));
    const renders = Array.from({ length: 12 }, (_, n) =>
      client.renderPdf({ html: `<html><body><h1>Drain ${n}</h1>${"<p>line</p>".repeat(300)}</body></html>` }),
    );
    await eventually("renders running and queued", async () => {
      const inside = (await scrapeSample(metricsPort, "renderer_in_flight")) + (await scrapeSample(metricsPort, "renderer_queue_depth"));
      return inside >= 6 ? true : undefined;
    });
    renderer.process.kill("SIGTERM");

    const results = await Promise.allSettled(renders);
    const failed = results.flatMap((r, n) => (r.status === "rejected" ? [`${n}: ${String(r.reason)}`] : []));
    assert.deepEqual(failed, [], `see ${join(dir, "renderer.log")}`);
    for (const [n, result] of results.entries()) {
      assert.match(pdfText((result as PromiseFulfilledResult<{ pdf: Uint8Array }>).value.pdf), new RegExp(`Drain ${n}\\b`));
    }
    assert.equal(await renderer.exited, 0);
  });
});

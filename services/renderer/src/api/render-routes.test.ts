import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import type { DocumentRenderer, PdfOptions } from "../rendering/document-renderer.js";
import { QueueFullError, RenderMemoryError, RenderTimeoutError, TooManyPagesError } from "../rendering/render-errors.js";
import { RendererMetrics } from "../renderer-metrics.js";
import { renderRoutes } from "./render-routes.js";

// The routes in memory (Connect's router transport) over a fake renderer port: what the API
// itself decides (validation, error codes, metrics), without Chromium or a socket.

function routesOver(render: DocumentRenderer["render"], maxHtmlBytes = 1024) {
  const registry = new Registry();
  const metrics = new RendererMetrics(registry, () => undefined);
  const calls: Array<{ html: string; options: PdfOptions }> = [];
  const renderer: DocumentRenderer = {
    render(html, options) {
      calls.push({ html, options });
      return render(html, options);
    },
  };
  const client = createClient(RenderService, createRouterTransport(renderRoutes(renderer, metrics, { maxHtmlBytes })));
  const outcomes = async () =>
    (await registry.getSingleMetric("renderer_render_seconds")!.get()).values
      .filter((value) => (value as { metricName?: string }).metricName === "renderer_render_seconds_count" && value.value > 0)
      .map((value) => value.labels.outcome);
  return { client, calls, outcomes };
}

const printed: DocumentRenderer["render"] = async (html, options) => ({
  pdf: Buffer.from(`%PDF-${html}:${JSON.stringify(options)}`),
  pageCount: html.length,
  renderMillis: 12,
  queueMillis: 3,
});

async function codeOf(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: e.code, message: e.rawMessage };
  }
  assert.fail("the call succeeded");
}

describe("render routes", () => {
  it("renders with the validated options and answers with the renderer's PDF and timings", async () => {
    const { client, calls, outcomes } = routesOver(printed);
    const res = await client.renderPdf({ html: "<p>x</p>", page: { format: "Letter", landscape: true, marginTop: "12mm" } });
    assert.deepEqual(calls, [{ html: "<p>x</p>", options: { format: "Letter", landscape: true, margin: { top: "12mm" } } }]);
    assert.equal(Buffer.from(res.pdf).toString(), `%PDF-<p>x</p>:${JSON.stringify(calls[0]!.options)}`);
    assert.deepEqual([res.pageCount, res.renderMillis, res.queueMillis], [8, 12, 3]);
    assert.deepEqual(await outcomes(), ["ok"]);
  });

  it("prints A4 portrait without margins when the request names none", async () => {
    const { client, calls } = routesOver(printed);
    await client.renderPdf({ html: "<p>x</p>" });
    assert.deepEqual(calls[0]!.options, { format: "A4", landscape: false });
  });

  for (const [what, request, field] of [
    ["a document past the cap", { html: "x".repeat(1025) }, /^html: must be at most 1024 bytes \(RENDER_MAX_HTML_KB\), got 1025$/],
    ["an empty document", { html: " \n " }, /^html: must not be empty$/],
    ["an unknown format", { html: "<p>x</p>", page: { format: "A3" } }, /^page\.format: must be "A4" or "Letter", got "A3"$/],
    [
      "a margin that is not a CSS length",
      { html: "<p>x</p>", page: { marginBottom: "1 cm" } },
      /^page\.margin_bottom: must be a CSS length/,
    ],
  ] as const) {
    it(`refuses ${what} with INVALID_ARGUMENT naming the field, before rendering`, async () => {
      const { client, calls } = routesOver(printed);
      const { code, message } = await codeOf(client.renderPdf(request));
      assert.equal(code, Code.InvalidArgument);
      assert.match(message, field);
      assert.equal(calls.length, 0);
    });
  }

  for (const [error, expected, message] of [
    [new QueueFullError(64), Code.ResourceExhausted, /^render queue is full \(64 waiting\); retry another replica$/],
    [new TooManyPagesError(250), Code.ResourceExhausted, /RENDER_MAX_PAGES/],
    [new RenderMemoryError("its Chromium process held 600 MiB"), Code.ResourceExhausted, /held 600 MiB/],
    [new RenderTimeoutError(15_000), Code.DeadlineExceeded, /within 15000 ms/],
    [new Error("Target page, context or browser has been closed"), Code.Unavailable, /^render failed: .*has been closed/],
  ] as const) {
    it(`answers ${Code[expected]} to ${error.constructor.name} and counts the outcome`, async () => {
      const { client, outcomes } = routesOver(() => Promise.reject(error));
      const answer = await codeOf(client.renderPdf({ html: "<p>x</p>" }));
      assert.equal(answer.code, expected);
      assert.match(answer.message, message);
      assert.deepEqual(await outcomes(), [Code[expected]]);
    });
  }
});

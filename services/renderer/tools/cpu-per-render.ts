// CPU a renderer process spends per ordinary PDF, Node and its Chromium apart: a renderer
// started as its own process, warmed up, then `--renders N` (200) invoice-sized renders at
// `--concurrency C` (2) over gRPC, its CPU read from /proc before and after (the renderer's
// process tree, and the children it has reaped, so a replaced page's process counts too).
//   node --import tsx services/renderer/tools/cpu-per-render.ts [--renders 200] [--concurrency 2]
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import { startService } from "@invoicing/local-stack/service-process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { processTreeCpuSeconds } from "../src/memory/process-memory.js";

const { values } = parseArgs({ options: { renders: { type: "string", default: "200" }, concurrency: { type: "string", default: "2" } } });
const renders = Number(values.renders);
const concurrency = Number(values.concurrency);

const rows = Array.from(
  { length: 10 },
  (_, i) => `<tr><td>Item ${i + 1}</td><td>${i + 1}</td><td>12,50 €</td><td>19 %</td><td>${(12.5 * (i + 1)).toFixed(2)} €</td></tr>`,
).join("");
const html = `<!doctype html><html lang="de"><head><meta charset="utf-8"><style>
  @page { size: A4; margin: 18mm } body { font-family: sans-serif; font-size: 10pt }
  table { width: 100%; border-collapse: collapse } td, th { border-bottom: 1px solid #ccc; padding: 4px }
</style></head><body><h1>Rechnung INV-2026-000001</h1><p>Bench Customer<br>Musterstraße 1<br>10115 Berlin</p>
<table><tr><th>Item</th><th>Qty</th><th>Price</th><th>Tax</th><th>Total</th></tr>${rows}</table>
<p>Total: 687,50 €</p></body></html>`;

const dir = mkdtempSync(join(tmpdir(), "renderer-cpu-"));
const renderer = await startService({
  service: "renderer",
  env: { RENDERER_PORT: "0", METRICS_PORT: "0", RENDER_PAGES: String(concurrency) },
  logFile: join(dir, "renderer.log"),
});
const client = createClient(RenderService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${renderer.port}` }));
const loop = async (count: number) => {
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) await client.renderPdf({ html });
    }),
  );
};
try {
  await loop(40);
  const pid = renderer.process.pid!;
  const before = processTreeCpuSeconds(pid);
  const startedAt = performance.now();
  await loop(renders);
  const wallMs = performance.now() - startedAt;
  const after = processTreeCpuSeconds(pid);
  const node = ((after.own - before.own) * 1000) / renders;
  const chromium = ((after.descendants - before.descendants) * 1000) / renders;
  console.log(
    `${renders} renders at concurrency ${concurrency} in ${Math.round(wallMs)} ms: CPU per render ${(node + chromium).toFixed(1)} ms ` +
      `(renderer Node ${node.toFixed(1)}, Chromium ${chromium.toFixed(1)}); wall ${(wallMs / renders).toFixed(1)} ms per render`,
  );
} finally {
  await renderer.stop();
}

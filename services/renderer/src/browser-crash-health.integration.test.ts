import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus as Status } from "@invoicing/contracts/grpc/health/v1/health_pb";
import { RenderService } from "@invoicing/contracts/invoicing/render/v1/render_pb";
import { pdfText } from "@invoicing/local-stack/pdf-text";
import { createLogger } from "@invoicing/service-kit/observability";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readConfig } from "./config.js";
import { childPids } from "./memory/process-memory.js";
import { findChromium } from "./pool/browser-launcher.js";
import { startRenderer } from "./wiring.js";

// The wiring hands the pool the server's health state: a browser that dies is seen by the
// probes (grpc.health.v1 Watch, as the kubelet and grpc-js clients see it) until it is replaced.

describe("renderer health while a killed browser is replaced", { timeout: 60_000 }, () => {
  it("answers NOT_SERVING, then SERVING once a fresh browser renders", async () => {
    const executablePath = findChromium(undefined);
    const others = childPids(process.pid, executablePath);
    const renderer = await startRenderer(readConfig({ RENDERER_PORT: "0", RENDER_PAGES: "1" }), createLogger("renderer-test", "silent"));
    try {
      const transport = createGrpcTransport({ baseUrl: `http://127.0.0.1:${renderer.server.port}` });
      const [browserPid, ...more] = [...childPids(process.pid, executablePath)].filter((pid) => !others.has(pid));
      assert.ok(browserPid !== undefined && more.length === 0, "one browser of this renderer");
      const seen: Status[] = [];
      const watching = (async () => {
        for await (const { status } of createClient(Health, transport).watch({ service: "" }, { timeoutMs: 30_000 })) {
          seen.push(status);
          if (seen.includes(Status.NOT_SERVING) && status === Status.SERVING) return;
          if (seen.length === 1) process.kill(browserPid, "SIGKILL");
        }
      })();
      await watching;
      assert.deepEqual(seen, [Status.SERVING, Status.NOT_SERVING, Status.SERVING]);
      const { pdf } = await createClient(RenderService, transport).renderPdf({ html: "<h1>after the crash</h1>" });
      assert.match(pdfText(pdf), /after the crash/);
    } finally {
      await renderer.stop();
    }
  });
});

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "@invoicing/local-stack/service-process";

// Each service, started with one bad variable, must stop at once and name it.
const cases = [
  ["order", { ORDER_PORT: "not-a-port" }, "ORDER_PORT"],
  ["invoice", { INVOICE_MAX_IN_FLIGHT: "0" }, "INVOICE_MAX_IN_FLIGHT"],
  ["renderer", { RENDER_PAGES: "many" }, "RENDER_PAGES"],
  ["renderer", { RENDER_PAGE_MEMORY_MB: "4096" }, "RENDER_PAGE_MEMORY_MB"],
  ["notifier", { SMTP_URL: "http://mail.example" }, "SMTP_URL"],
  ["order", { OTEL_TRACES_EXPORTER: "jaeger" }, "OTEL_EXPORTER_JAEGER_ENDPOINT"],
] as const;

describe("a service given bad configuration", () => {
  for (const [service, env, variable] of cases) {
    it(`${service} stops at start naming ${variable}`, () => {
      const run = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "services", service, "src", "main.ts")], {
        cwd: repoRoot,
        env: { ...process.env, ...env, NATS_URL: "nats://127.0.0.1:1" },
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.equal(run.status, 2, `exit status; stderr: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`invalid configuration: ${variable} `));
    });
  }
});

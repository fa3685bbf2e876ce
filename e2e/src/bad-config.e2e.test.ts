import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "@invoicing/local-stack/service-process";
import { ensureEventKeys, eventKeyEnv } from "@invoicing/local-stack/event-keys";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";

// Each service, started with one bad variable, must stop at once and name it.
const cases = [
  ["order", { ORDER_PORT: "not-a-port" }, "ORDER_PORT"],
  ["invoice", { INVOICE_MAX_IN_FLIGHT: "0" }, "INVOICE_MAX_IN_FLIGHT"],
  ["renderer", { RENDER_PAGES: "many" }, "RENDER_PAGES"],
  ["renderer", { RENDER_PAGE_MEMORY_MB: "4096" }, "RENDER_PAGE_MEMORY_MB"],
  ["notifier", { SMTP_URL: "http://mail.example" }, "SMTP_URL"],
  ["order", { OTEL_TRACES_EXPORTER: "jaeger" }, "OTEL_EXPORTER_JAEGER_ENDPOINT"],
  // No signing key: the order service would publish events no consumer may trust.
  ["order", { EVENT_SIGNING_KEY_FILE: "" }, "EVENT_SIGNING_KEY_FILE"],
  ["invoice", { ORDER_EVENT_KEY_FILES: "/nonexistent/order-events.pub.pem" }, "ORDER_EVENT_KEY_FILES"],
  ["notifier", { INVOICE_EVENT_KEY_FILES: "" }, "INVOICE_EVENT_KEY_FILES"],
  ["invoice", { NATS_USER: "invoice", NATS_PASSWORD: "" }, "NATS_PASSWORD"],
  ["renderer", { TLS_CERT_FILE: "/etc/invoicing/tls/tls.crt" }, "TLS_KEY_FILE"],
  // Any page allowed would let every site a user visits call the service from the browser.
  ["order", { CORS_ALLOWED_ORIGINS: "*" }, "CORS_ALLOWED_ORIGINS"],
  ["invoice", { SELLER_ADDRESS: "Musterstraße 1|10115 Berlin" }, "SELLER_ADDRESS"],
  [
    "order",
    { TLS_CERT_FILE: "/nonexistent/tls.crt", TLS_KEY_FILE: "/nonexistent/tls.key", TLS_CA_FILE: "/nonexistent/ca.crt" },
    "TLS_CERT_FILE",
  ],
] as const;

// Valid keys, so each case fails on its own variable only.
const keys = ensureEventKeys(mkdtempSync(join(tmpdir(), "bad-config-keys-")));
const keyEnv = eventKeyEnv(keys);
const validKeys = { ...keyEnv.order, ...keyEnv.invoice, ...keyEnv.notifier, EVENT_SIGNING_KEY_FILE: keys.order.privateKey };

describe("a service given bad configuration", () => {
  for (const [service, env, variable] of cases) {
    it(`${service} stops at start naming ${variable}`, () => {
      const run = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "services", service, "src", "main.ts")], {
        cwd: repoRoot,
        env: { ...process.env, ...validKeys, ...env, NATS_URL: "nats://127.0.0.1:1" },
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.equal(run.status, 2, `exit status; stderr: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`invalid configuration: ${variable} `));
    });
  }
});

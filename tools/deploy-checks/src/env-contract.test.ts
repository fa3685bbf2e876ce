import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEnvContract } from "./env-contract.js";
import { clusterAddress } from "./port-agreement.js";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";
import { serviceSpecs, variablesRead } from "./service-configs.js";
import { serviceDeployments } from "./service-deployments.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay} sets only variables the services read, and every one a cluster needs`, () => {
    assert.deepEqual(checkEnvContract(rendered(overlay)), []);
  });

  test(`overlays/${overlay} points every service's OTLP exporter at the Jaeger in its namespace`, () => {
    const { found } = serviceDeployments(rendered(overlay), serviceSpecs);
    assert.equal(found.length, 4);
    for (const service of found) {
      const address = clusterAddress(service.values["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "");
      assert.deepEqual(address, { service: "jaeger", namespace: service.namespace, port: 4318 }, service.where);
    }
  });
}

test("what a service reads is learned from its own code, the logger's LOG_LEVEL included", () => {
  const order = serviceSpecs.find((s) => s.name === "order")!;
  const { reads } = variablesRead(order, {});
  for (const name of ["ORDER_HOST", "ORDER_PORT", "NATS_URL", "MONGODB_URL", "OTEL_EXPORTER_OTLP_ENDPOINT", "LOG_LEVEL"]) {
    assert.ok(reads.has(name), `order reads ${name}`);
  }
  assert.ok(!reads.has("RENDERER_TARGET"), "order has no renderer");
});

test("a Deployment that sets a variable no service reads fails the check, saying which and where", () => {
  const objects = renderedWith("prod", "Deployment", "order", (d) => {
    d.spec.template.spec.containers[0].env.push({ name: "ORDER_LISTEN_PORT", value: "50051" });
  });
  assert.deepEqual(checkEnvContract(objects), [
    "Deployment invoicing/order container order sets ORDER_LISTEN_PORT (from a literal value), which services/order/src/config.ts never reads: a typo, or a setting the service does not have",
  ]);
});

test("an overlay that drops a variable the cluster needs fails the check, saying why it is needed", () => {
  const objects = renderedWith("dev", "Deployment", "invoice", (d) => {
    const container = d.spec.template.spec.containers[0];
    container.env = container.env.filter((e: { name: string }) => e.name !== "RENDERER_TARGET");
  });
  assert.deepEqual(checkEnvContract(objects), [
    "Deployment invoicing-dev/invoice container invoice does not set RENDERER_TARGET, which a cluster needs: the default 127.0.0.1:50053 is the pod itself, not the render pool",
  ]);
});

test("an overlay that leaves METRICS_PORT at its random default fails the check", () => {
  const objects = renderedWith("prod", "ConfigMap", "invoice-config", (map) => {
    delete map.data.METRICS_PORT;
  });
  assert.deepEqual(checkEnvContract(objects), [
    "Deployment invoicing/invoice container invoice does not set METRICS_PORT, which a cluster needs: the default 0 picks a random port, which neither Prometheus nor the containerPort named metrics can name",
  ]);
});

test("JETSTREAM_REPLICAS is accepted from every service that creates streams, refused where no code reads it", () => {
  for (const name of ["order", "invoice", "notifier"]) {
    const spec = serviceSpecs.find((s) => s.name === name)!;
    assert.ok(variablesRead(spec, {}).reads.has("JETSTREAM_REPLICAS"), `${name} reads JETSTREAM_REPLICAS`);
  }
  const objects = renderedWith("prod", "Deployment", "renderer", (d) => {
    d.spec.template.spec.containers[0].env.push({ name: "JETSTREAM_REPLICAS", value: "3" });
  });
  assert.deepEqual(checkEnvContract(objects), [
    "Deployment invoicing/renderer container renderer sets JETSTREAM_REPLICAS (from a literal value), which services/renderer/src/config.ts never reads: a typo, or a setting the service does not have",
  ]);
});

test("a value the service would refuse at start fails the check with the service's own message", () => {
  const objects = renderedWith("prod", "ConfigMap", "renderer-config", (map) => {
    map.data.RENDER_PAGES = "0";
  });
  assert.deepEqual(checkEnvContract(objects), [
    "Deployment invoicing/renderer container renderer: the service would stop at start: invalid configuration: RENDER_PAGES must be at least 1, got 0",
  ]);
});

test("a variable taken from a ConfigMap key that is not rendered fails the check", () => {
  const objects = renderedWith("prod", "ConfigMap", "platform", (map) => {
    delete map.data.NATS_URL;
  });
  const problems = checkEnvContract(objects);
  assert.ok(problems.length >= 3, problems.join("\n"));
  assert.match(
    problems[0]!,
    /^Deployment invoicing\/order container order: NATS_URL refers to ConfigMap platform-\w+ key NATS_URL, which is not rendered$/,
  );
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPortAgreement, clusterAddress } from "./port-agreement.js";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay}: containerPorts, probes, Services and addresses agree with the ports the services listen on`, () => {
    assert.deepEqual(checkPortAgreement(rendered(overlay)), []);
  });
}

test("a probe that names the wrong port fails the check", () => {
  const objects = renderedWith("dev", "Deployment", "renderer", (d) => {
    d.spec.template.spec.containers[0].readinessProbe.grpc.port = 50052;
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing-dev/renderer container renderer readinessProbe asks grpc.health.v1 on port 50052, but the service listens on 50053",
  ]);
});

test("with TLS on, a probe of the TLS port instead of HEALTH_PORT fails the check: the kubelet cannot do TLS", () => {
  const objects = renderedWith("prod", "Deployment", "renderer", (d) => {
    d.spec.template.spec.containers[0].readinessProbe.grpc.port = 50053;
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing/renderer container renderer readinessProbe asks grpc.health.v1 on port 50053, but with TLS on the service answers plaintext probes on HEALTH_PORT 8081",
  ]);
});

test("TLS on without HEALTH_PORT fails the check: the plaintext health port would be random", () => {
  const objects = renderedWith("prod", "ConfigMap", "order-config", (map) => {
    delete map.data.HEALTH_PORT;
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing/order container order has TLS on but no HEALTH_PORT: its plaintext health port would be random, and the kubelet's probes cannot do TLS",
  ]);
});

test("a service moved to another port without the rest of its manifests fails every place that still says the old one", () => {
  const objects = renderedWith("dev", "ConfigMap", "renderer-config", (map) => {
    map.data.RENDERER_PORT = "50060";
  });
  const where = "Deployment invoicing-dev/renderer container renderer";
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing-dev/invoice container invoice RENDERER_TARGET=dns:///renderer-headless.invoicing-dev.svc.cluster.local:50053: port 50053 is not served there (the pods listen on: 50060)",
    `${where} declares no containerPort 50060, the port services/renderer/src/config.ts listens on with this environment`,
    `${where} startupProbe asks grpc.health.v1 on port 50053, but the service listens on 50060`,
    `${where} readinessProbe asks grpc.health.v1 on port 50053, but the service listens on 50060`,
    `${where} livenessProbe asks grpc.health.v1 on port 50053, but the service listens on 50060`,
    `no Service port leads to ${where}'s listener on 50060 (Services: renderer-headless)`,
  ]);
});

test("a metrics port moved in the ConfigMap but not in the manifest fails the check: Prometheus would scrape a closed port", () => {
  const objects = renderedWith("prod", "ConfigMap", "renderer-config", (map) => {
    map.data.METRICS_PORT = "9465";
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing/renderer container renderer containerPort metrics is 9464, but the service serves its metrics on 9465 (METRICS_PORT)",
    'Deployment invoicing/renderer pod annotation prometheus.io/port is "9464", but must be "9465" for Prometheus to scrape the metrics the service serves',
  ]);
});

test("a service without its metrics containerPort or scrape annotation, or with METRICS_PORT 0, fails the check", () => {
  let objects = renderedWith("dev", "Deployment", "notifier", (d) => {
    const pod = d.spec.template;
    pod.spec.containers[0].ports = pod.spec.containers[0].ports.filter((p: { name: string }) => p.name !== "metrics");
    delete pod.metadata.annotations["prometheus.io/scrape"];
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing-dev/notifier container notifier declares no containerPort named metrics; the service serves its metrics on 9464 (METRICS_PORT)",
    'Deployment invoicing-dev/notifier pod annotation prometheus.io/scrape is missing, but must be "true" for Prometheus to scrape the metrics the service serves',
  ]);
  objects = renderedWith("dev", "ConfigMap", "order-config", (map) => {
    map.data.METRICS_PORT = "0";
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing-dev/order container order METRICS_PORT is 0: the service would pick a random metrics port, which neither Prometheus nor the containerPort named metrics can name",
  ]);
});

test("a render pool behind a ClusterIP Service fails the check: grpc-js would not balance over the pods", () => {
  const objects = renderedWith("prod", "Service", "renderer-headless", (service) => {
    delete service.spec.clusterIP;
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing/invoice container invoice RENDERER_TARGET=dns:///renderer-headless.invoicing.svc.cluster.local:50053: the Service must be headless (clusterIP: None) for grpc-js to balance over the pods",
  ]);
});

test("a service left listening on 127.0.0.1 fails the check", () => {
  const objects = renderedWith("prod", "ConfigMap", "order-config", (map) => {
    delete map.data.ORDER_HOST;
  });
  assert.deepEqual(checkPortAgreement(objects), [
    "Deployment invoicing/order container order listens on 127.0.0.1: probes and other pods reach only 0.0.0.0 or ::",
  ]);
});

test("addresses are read in the forms the manifests use", () => {
  assert.deepEqual(clusterAddress("dns:///renderer-headless.invoicing.svc.cluster.local:50053"), {
    service: "renderer-headless",
    namespace: "invoicing",
    port: 50053,
  });
  assert.deepEqual(clusterAddress("nats://nats.invoicing.svc.cluster.local:4222"), {
    service: "nats",
    namespace: "invoicing",
    port: 4222,
  });
  assert.deepEqual(clusterAddress("http://invoice.x.svc.cluster.local"), { service: "invoice", namespace: "x", port: 80 });
  assert.equal(clusterAddress("http://collector.example.com:4318"), undefined);
  assert.equal(clusterAddress("invoicing"), undefined);
});

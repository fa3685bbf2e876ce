import assert from "node:assert/strict";
import { test } from "node:test";
import { allowedSources, checkMetricsIngress, checkNetworkPolicies, portsAdmitted, PROMETHEUS } from "./network-policies.js";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay}: every NetworkPolicy selects real pods and real ports`, () => {
    assert.deepEqual(checkNetworkPolicies(rendered(overlay)), []);
  });

  test(`overlays/${overlay}: the renderer, MongoDB and NATS accept only their clients`, () => {
    const objects = rendered(overlay);
    assert.deepEqual(allowedSources(objects, "renderer"), ["invoice"]);
    // The notifier keeps its delivery log in MongoDB too; the members replicate among
    // themselves and the init Job initiates the set.
    assert.deepEqual(allowedSources(objects, "mongodb"), ["invoice", "mongodb", "mongodb-init", "notifier", "order"]);
    // The renderer does not use NATS; the servers route among themselves.
    assert.deepEqual(allowedSources(objects, "nats"), ["invoice", "nats", "notifier", "order"]);
  });

  test(`overlays/${overlay}: Prometheus in the monitoring namespace reaches every service's metrics port and nothing else`, () => {
    const objects = rendered(overlay);
    assert.deepEqual(checkMetricsIngress(objects), []);
    const namespace = overlay === "prod" ? "invoicing" : `invoicing-${overlay}`;
    // The renderer: the invoice pods on its gRPC port, Prometheus on its metrics port, no one else.
    assert.deepEqual(portsAdmitted(objects, "renderer", { namespace, labels: { "app.kubernetes.io/name": "invoice" } }), [50053]);
    assert.deepEqual(portsAdmitted(objects, "renderer", PROMETHEUS), [9464]);
    assert.deepEqual(portsAdmitted(objects, "renderer", { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana" } }), []);
    assert.deepEqual(portsAdmitted(objects, "renderer", { namespace: "default", labels: PROMETHEUS.labels }), []);
    // Order, invoice and the notifier are isolated by no policy.
    for (const open of ["order", "invoice", "notifier"]) assert.equal(portsAdmitted(objects, open, PROMETHEUS), "all", open);
  });
}

test("a source selector with a typo fails the check: it would block the real client", () => {
  const objects = renderedWith("prod", "NetworkPolicy", "renderer-from-invoice", (policy) => {
    policy.spec.ingress[0].from[0].podSelector.matchLabels["app.kubernetes.io/name"] = "invoices";
  });
  assert.deepEqual(checkNetworkPolicies(objects), [
    'NetworkPolicy invoicing/renderer-from-invoice: a source podSelector selects no workload ({"matchLabels":{"app.kubernetes.io/name":"invoices"}})',
  ]);
});

test("a policy port the protected pods do not listen on fails the check", () => {
  const objects = renderedWith("prod", "NetworkPolicy", "renderer-from-invoice", (policy) => {
    policy.spec.ingress[0].ports[0].port = 50052;
  });
  assert.deepEqual(checkNetworkPolicies(objects), [
    "NetworkPolicy invoicing/renderer-from-invoice allows port 50052, which the pods it protects (Deployment invoicing/renderer) do not listen on",
  ]);
});

test("a NetworkPolicy that lets Prometheus in on the wrong port fails the check: the renderer could not be scraped", () => {
  const objects = renderedWith("prod", "NetworkPolicy", "renderer-metrics-from-prometheus", (policy) => {
    policy.spec.ingress[0].ports[0].port = "grpc";
  });
  const who = "Prometheus (pods app.kubernetes.io/name=prometheus in namespace monitoring)";
  const where = "Deployment invoicing/renderer container renderer: NetworkPolicies renderer-from-invoice, renderer-metrics-from-prometheus";
  assert.deepEqual(checkMetricsIngress(objects), [
    `${where} admit no ${who} to its metrics port 9464: nothing could scrape it`,
    `${where} admit ${who} to port(s) 50053, not only metrics`,
  ]);
});

test("a Prometheus rule without a namespace selector admits nothing: the peer would be pods of the renderer's own namespace", () => {
  const objects = renderedWith("dev", "NetworkPolicy", "renderer-metrics-from-prometheus", (policy) => {
    delete policy.spec.ingress[0].from[0].namespaceSelector;
  });
  assert.deepEqual(checkMetricsIngress(objects), [
    "Deployment invoicing-dev/renderer container renderer: NetworkPolicies renderer-from-invoice, renderer-metrics-from-prometheus admit no Prometheus (pods app.kubernetes.io/name=prometheus in namespace monitoring) to its metrics port 9464: nothing could scrape it",
  ]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { allowedSources, checkNetworkPolicies } from "./network-policies.js";
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

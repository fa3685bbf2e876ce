import assert from "node:assert/strict";
import { test } from "node:test";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { checkReplicaAgreement } from "./replica-agreement.js";
import { overlayNames } from "./repo-paths.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay}: NATS routes, MongoDB members and autoscaled replicas agree`, () => {
    assert.deepEqual(checkReplicaAgreement(rendered(overlay)), []);
  });
}

test("more NATS servers than routes fails the check", () => {
  const objects = renderedWith("prod", "StatefulSet", "nats", (set) => {
    set.spec.replicas = 5;
  });
  assert.deepEqual(checkReplicaAgreement(objects), [
    "StatefulSet invoicing/nats has 5 replica(s) but nats.conf routes to 3 server(s); a cluster routes to every replica, a single server to none",
  ]);
});

test("a MongoDB member count the init Job does not initiate fails the check", () => {
  const objects = renderedWith("dev", "StatefulSet", "mongodb", (set) => {
    set.spec.replicas = 3;
  });
  assert.deepEqual(checkReplicaAgreement(objects), [
    "Job invoicing-dev/mongodb-init initiates 1 member(s) but StatefulSet invoicing-dev/mongodb has 3 replica(s)",
  ]);
});

test("replicas on a Deployment the HPA scales fails the check", () => {
  const objects = renderedWith("prod", "Deployment", "renderer", (d) => {
    d.spec.replicas = 2;
  });
  assert.deepEqual(checkReplicaAgreement(objects), [
    "Deployment invoicing/renderer sets replicas although HorizontalPodAutoscaler invoicing/renderer owns them: every apply would reset the count",
  ]);
});

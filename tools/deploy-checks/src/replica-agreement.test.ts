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

test("more stream replicas than NATS servers fails the check: the services would stop at start", () => {
  const objects = renderedWith("prod", "ConfigMap", "platform", (map) => {
    map.data.JETSTREAM_REPLICAS = "5";
  });
  const tail =
    "creates streams with 5 replica(s) (JETSTREAM_REPLICAS) but StatefulSet invoicing/nats runs 3 server(s): JetStream cannot place them and the service stops at start";
  assert.deepEqual(checkReplicaAgreement(objects), [
    `Deployment invoicing/order container order ${tail}`,
    `Deployment invoicing/invoice container invoice ${tail}`,
    `Deployment invoicing/notifier container notifier ${tail}`,
  ]);
});

test("services given different stream replicas fail the check: they would rescale the streams on every start", () => {
  const objects = renderedWith("prod", "Deployment", "invoice", (d) => {
    const env = d.spec.template.spec.containers[0].env;
    env.find((e: { name: string }) => e.name === "JETSTREAM_REPLICAS").valueFrom.configMapKeyRef.key = "NO_SUCH_KEY";
  });
  // (the missing key itself is env-contract.ts's to report; unset, the invoice service uses 1)
  assert.deepEqual(checkReplicaAgreement(objects), [
    "the services create the same streams with different JETSTREAM_REPLICAS (order 3, invoice 1, notifier 3): each start would rescale them to its own count",
  ]);
});

test("an HPA scaling on a metric the service does not export fails the check", () => {
  const objects = renderedWith("prod", "HorizontalPodAutoscaler", "renderer", (hpa) => {
    hpa.spec.metrics[1].pods.metric.name = "renderer_queue_length";
  });
  const problems = checkReplicaAgreement(objects);
  assert.equal(problems.length, 1);
  assert.match(
    problems[0]!,
    /^HorizontalPodAutoscaler invoicing\/renderer scales on the Pods metric renderer_queue_length, which the renderer service does not export \(it exports renderer_queue_depth, .*\): the HPA would never see it$/,
  );
});

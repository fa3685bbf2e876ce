import assert from "node:assert/strict";
import { test } from "node:test";
import { checkContainerPolicy } from "./container-policy.js";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay}: every container has probes, requests and limits, and the locked-down security context`, () => {
    assert.deepEqual(checkContainerPolicy(rendered(overlay)), []);
  });
}

test("a container without probes, limits or a read-only root filesystem fails the check", () => {
  const objects = renderedWith("prod", "StatefulSet", "nats", (set) => {
    const container = set.spec.template.spec.containers[0];
    delete container.livenessProbe;
    delete container.resources.limits.memory;
    container.securityContext.readOnlyRootFilesystem = false;
    delete container.securityContext.capabilities;
  });
  const where = "StatefulSet invoicing/nats container nats";
  assert.deepEqual(checkContainerPolicy(objects), [
    `${where} has no livenessProbe`,
    `${where} has no resources.limits.memory`,
    `${where} must set securityContext.readOnlyRootFilesystem: true`,
    `${where} must drop ALL capabilities (securityContext.capabilities.drop: [ALL])`,
  ]);
});

test("a renderer grace period shorter than its drain fails the check", () => {
  const objects = renderedWith("prod", "Deployment", "renderer", (d) => {
    d.spec.template.spec.terminationGracePeriodSeconds = 15;
  });
  assert.deepEqual(checkContainerPolicy(objects), [
    "Deployment invoicing/renderer terminationGracePeriodSeconds is 15, but the renderer service's drain may take 20 s: it would be killed mid-drain",
  ]);
});

test("a renderer without a memory-backed /dev/shm, or a service without a writable /tmp, fails the check", () => {
  const objects = renderedWith("dev", "Deployment", "renderer", (d) => {
    const pod = d.spec.template.spec;
    pod.volumes = pod.volumes.filter((v: { name: string }) => v.name !== "dshm");
    pod.containers[0].volumeMounts = pod.containers[0].volumeMounts.filter((m: { name: string }) => m.name === "dshm");
  });
  const where = "Deployment invoicing-dev/renderer container renderer";
  assert.deepEqual(checkContainerPolicy(objects), [
    `${where} needs a writable emptyDir at /tmp: the root filesystem is read-only and tsx caches there`,
    `${where} needs an emptyDir with medium: Memory at /dev/shm for Chromium`,
  ]);
});

test("service links left on fail the check: they would inject ORDER_PORT=tcp://…", () => {
  const objects = renderedWith("dev", "Deployment", "order", (d) => {
    delete d.spec.template.spec.enableServiceLinks;
  });
  assert.equal(checkContainerPolicy(objects).length, 1);
  assert.match(checkContainerPolicy(objects)[0]!, /^Deployment invoicing-dev\/order must set enableServiceLinks: false/);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { K8sObject } from "./k8s-objects.js";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";
import { validateObjects } from "./schema-validation.js";

for (const overlay of overlayNames()) {
  test(`every object overlays/${overlay} renders validates against the Kubernetes API schema`, () => {
    assert.deepEqual(validateObjects(rendered(overlay)), []);
  });
}

test("prod renders every kind the issue asks for, at the API versions validated", () => {
  const kinds = new Set(rendered("prod").map((o) => `${o.apiVersion}/${o.kind}`));
  for (const kind of [
    "apps/v1/Deployment",
    "apps/v1/StatefulSet",
    "v1/Service",
    "v1/ConfigMap",
    "batch/v1/Job",
    "autoscaling/v2/HorizontalPodAutoscaler",
    "policy/v1/PodDisruptionBudget",
    "networking.k8s.io/v1/NetworkPolicy",
  ]) {
    assert.ok(kinds.has(kind), `prod renders no ${kind}`);
  }
});

test("no Secret is rendered: secrets never sit in the manifests", () => {
  for (const overlay of overlayNames()) {
    assert.deepEqual(
      rendered(overlay)
        .filter((o) => o.kind === "Secret")
        .map((o) => o.metadata.name),
      [],
    );
  }
});

test("the Secrets the operator creates (create-secrets.sh) validate too", () => {
  const secret = (name: string, data: Record<string, string>): K8sObject => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "invoicing" },
    type: "Opaque",
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
  });
  assert.deepEqual(
    validateObjects([
      secret("mongodb-credentials", { "root-username": "root", "root-password": "x", keyfile: "y" }),
      secret("service-secrets", { MONGODB_URL: "mongodb://a:b@mongodb-0.mongodb.invoicing.svc.cluster.local:27017/invoicing" }),
    ]),
    [],
  );
});

test("a field of the wrong type is reported with its path", () => {
  const objects = renderedWith("prod", "Deployment", "renderer", (d) => {
    d.spec.template.spec.containers[0].ports[0].containerPort = "50053";
  });
  assert.deepEqual(validateObjects(objects), [
    "Deployment invoicing/renderer: /spec/template/spec/containers/0/ports/0/containerPort must be integer",
  ]);
});

test("a misspelt field is reported instead of being silently dropped", () => {
  const objects = renderedWith("prod", "Deployment", "renderer", (d) => {
    const container = d.spec.template.spec.containers[0];
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
  });
  assert.deepEqual(validateObjects(objects), [
    "Deployment invoicing/renderer: /spec/template/spec/containers/0/readinesProbe is not a field of apps/v1/Deployment (a typo? the API server rejects it under strict field validation)",
  ]);
});

test("a kind or API version without a model fails the check rather than being skipped", () => {
  const problems = validateObjects([
    { apiVersion: "v1", kind: "Pod", metadata: { name: "debug" } },
    { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "renderer" } },
  ]);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^Pod debug: v1\/Pod is not a kind these checks can validate/);
  assert.match(problems[1]!, /autoscaling\/v1\/HorizontalPodAutoscaler is not a kind these checks can validate/);
});

test("cert-manager's Certificates are validated against its CRD schema: a misspelt or mistyped field is reported", () => {
  const objects = renderedWith("prod", "Certificate", "renderer-tls", (certificate) => {
    certificate.spec.dnsName = certificate.spec.dnsNames;
    delete certificate.spec.dnsNames;
    certificate.spec.privateKey.size = "256";
  });
  assert.deepEqual(validateObjects(objects), [
    "Certificate invoicing/renderer-tls: /spec/privateKey/size must be integer",
    "Certificate invoicing/renderer-tls: /spec/dnsName is not a field of cert-manager.io/v1/Certificate (a typo? the API server rejects it under strict field validation)",
  ]);
});

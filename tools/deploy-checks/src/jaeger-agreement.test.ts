import assert from "node:assert/strict";
import { test } from "node:test";
import { checkJaegerAgreement } from "./jaeger-agreement.js";
import { rendered, renderedWith } from "./rendered-overlays.js";
import { overlayNames } from "./repo-paths.js";

for (const overlay of overlayNames()) {
  test(`overlays/${overlay}: Jaeger runs the tests' configuration and release`, () => {
    assert.deepEqual(checkJaegerAgreement(rendered(overlay)), []);
  });
}

test("a Jaeger configuration or image that drifted from the tests' fails the check", () => {
  const drifted = renderedWith("prod", "ConfigMap", "jaeger-config", (map) => {
    map.data["jaeger.yaml"] = map.data["jaeger.yaml"].replace("max_traces", "max_trace_count");
  });
  assert.match(checkJaegerAgreement(drifted).join("\n"), /jaeger\.yaml differs from tools\/jaeger\/jaeger\.yaml/);
  const newer = renderedWith("prod", "Deployment", "jaeger", (deployment) => {
    deployment.spec.template.spec.containers[0].image = "jaegertracing/jaeger:2.19.0";
  });
  assert.deepEqual(checkJaegerAgreement(newer), [
    "Deployment invoicing/jaeger runs jaegertracing/jaeger:2.19.0, the tests build v1.75.0 (jaegertracing/jaeger:2.12.0)",
  ]);
});

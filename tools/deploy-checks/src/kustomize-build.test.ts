import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { findKubectl, kustomizeBuild } from "./kustomize-build.js";
import { overlayNames, overlaysDir } from "./repo-paths.js";

test("deploy/k8s has the dev and prod overlays", () => {
  assert.ok(overlayNames().includes("dev") && overlayNames().includes("prod"), String(overlayNames()));
});

for (const overlay of overlayNames()) {
  test(`kubectl kustomize deploy/k8s/overlays/${overlay} renders, every object in the overlay's namespace`, () => {
    const objects = kustomizeBuild(join(overlaysDir, overlay));
    const namespace = objects.find((o) => o.kind === "Namespace")?.metadata.name;
    assert.ok(namespace, "the overlay creates its Namespace");
    const elsewhere = objects.filter((o) => o.kind !== "Namespace" && o.metadata.namespace !== namespace);
    assert.deepEqual(
      elsewhere.map((o) => `${o.kind} ${o.metadata.name}`),
      [],
    );
  });
}

test("without kubectl the checks fail and say why, rather than pass having checked nothing", () => {
  assert.throws(() => findKubectl("/nonexistent-dir"), /kubectl was not found on PATH.*cannot pass without it/s);
});

test("a kustomization kubectl cannot build fails with kubectl's own message", () => {
  const dir = mkdtempSync(join(tmpdir(), "deploy-checks-"));
  try {
    writeFileSync(join(dir, "kustomization.yaml"), "resources:\n  - missing.yaml\n");
    assert.throws(() => kustomizeBuild(dir), /kubectl kustomize .* failed:\n.*missing\.yaml/s);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import type { K8sObject } from "./k8s-objects.js";
import { overlayNames, overlaysDir, repoRoot } from "./repo-paths.js";

/**
 * kubectl on PATH, or an error that says plainly the checks cannot run: a machine without
 * kubectl must fail them, never pass them by checking nothing.
 */
export function findKubectl(path = process.env["PATH"] ?? ""): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "kubectl");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    "kubectl was not found on PATH. The deploy checks render deploy/k8s with `kubectl kustomize` " +
      "and cannot pass without it: install kubectl (kustomize is built in), e.g. from " +
      "https://kubernetes.io/docs/tasks/tools/, and run the tests again.",
  );
}

/** Renders one kustomization as `kubectl kustomize` does, one object per YAML document. */
export function kustomizeBuild(dir: string, kubectl = findKubectl()): K8sObject[] {
  let output: string;
  try {
    output = execFileSync(kubectl, ["kustomize", dir], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`kubectl kustomize ${relative(repoRoot, dir)} failed:\n${stderr || String(error)}`);
  }
  return parseAllDocuments(output)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`unparseable output: ${document.errors[0]?.message}`);
      return document.toJSON() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

/** Every overlay, rendered: overlay name → objects. */
export function buildOverlays(): Map<string, K8sObject[]> {
  const kubectl = findKubectl();
  return new Map(overlayNames().map((name) => [name, kustomizeBuild(join(overlaysDir, name), kubectl)]));
}

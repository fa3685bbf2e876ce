import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const overlaysDir = join(repoRoot, "deploy/k8s/overlays");

/** Every overlay under deploy/k8s/overlays: a new one is checked without touching the tests. */
export function overlayNames(): string[] {
  return readdirSync(overlaysDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(overlaysDir, entry.name, "kustomization.yaml")))
    .map((entry) => entry.name)
    .sort();
}

import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { IContainer, IPodSpec, IVolume } from "kubernetes-models/v1";
import { configMaps, type K8sObject } from "./k8s-objects.js";

// Variables whose values are paths of files the pod must be given (keys, certificates). A path
// must lie under one of the container's volumeMounts, on a volume from a Secret or ConfigMap
// that projects that file: a typo in a path or an item the volume leaves out would otherwise
// only show when the pod crash-loops. The files themselves live in Secrets the operator creates,
// so to run a service's configuration reader the checks hand it stand-ins of the same kind.

export type FileKind = "ed25519-private" | "ed25519-public";

/** Every file variable a service reads, with what its files hold; several files are comma-separated. */
export const FILE_VARIABLES: Readonly<Record<string, FileKind>> = {
  EVENT_SIGNING_KEY_FILE: "ed25519-private",
  ORDER_EVENT_KEY_FILES: "ed25519-public",
  INVOICE_EVENT_KEY_FILES: "ed25519-public",
  NOTIFIER_EVENT_KEY_FILES: "ed25519-public",
};

const pathsOf = (value: string) =>
  value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);

/** Why `path` would not exist in the container, or undefined when a mounted volume projects it. */
function missingFile(
  path: string,
  container: IContainer,
  pod: IPodSpec,
  namespace: string | undefined,
  objects: readonly K8sObject[],
): string | undefined {
  const mount = (container.volumeMounts ?? [])
    .filter((m) => path.startsWith(m.mountPath.endsWith("/") ? m.mountPath : `${m.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return "under no volumeMount of the container";
  const volume: IVolume | undefined = pod.volumes?.find((v) => v.name === mount.name);
  const inVolume = posix.relative(posix.join(mount.mountPath, mount.subPath ?? ""), path);
  const items = volume?.secret?.items ?? volume?.configMap?.items;
  if (volume?.secret) {
    // A Secret's keys are not in the manifests; without items every key is a file, so only a
    // listed item can be checked.
    if (items && !items.some((item) => item.path === inVolume)) {
      return `volume ${volume.name} (Secret ${volume.secret.secretName}) projects only ${items.map((i) => i.path).join(", ")}`;
    }
    return undefined;
  }
  if (volume?.configMap) {
    const map = configMaps(objects).find((m) => m.metadata?.name === volume.configMap?.name && m.metadata?.namespace === namespace);
    const key = items ? items.find((item) => item.path === inVolume)?.key : inVolume;
    if (!key || !map?.data?.[key]) return `ConfigMap ${volume.configMap.name} mounted by volume ${volume.name} has no such file`;
    return undefined;
  }
  return `volume ${mount.name} is neither a Secret nor a ConfigMap`;
}

/** Problems with every file variable the container sets. */
export function mountedFileProblems(
  values: Readonly<Record<string, string>>,
  container: IContainer,
  pod: IPodSpec,
  namespace: string | undefined,
  objects: readonly K8sObject[],
): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (!(name in FILE_VARIABLES)) continue;
    for (const path of pathsOf(value)) {
      const missing = missingFile(path, container, pod, namespace, objects);
      if (missing) problems.push(`${name}=${path}: ${missing}`);
    }
  }
  return problems;
}

let standIns: Record<FileKind, string> | undefined;

/** The environment with every file variable pointing at local files of the same kind, for running a configuration reader. */
export function withStandInFiles(values: Readonly<Record<string, string>>): Record<string, string> {
  standIns ??= (() => {
    const dir = mkdtempSync(join(tmpdir(), "deploy-checks-files-"));
    const pair = generateKeyPairSync("ed25519");
    const files = { "ed25519-private": join(dir, "private.pem"), "ed25519-public": join(dir, "public.pem") };
    writeFileSync(files["ed25519-private"], pair.privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(files["ed25519-public"], pair.publicKey.export({ type: "spki", format: "pem" }));
    return files;
  })();
  const files = standIns;
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      const kind = FILE_VARIABLES[name];
      return [
        name,
        kind
          ? pathsOf(value)
              .map(() => files[kind])
              .join(",")
          : value,
      ];
    }),
  );
}

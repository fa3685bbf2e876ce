import { buildOverlays } from "./kustomize-build.js";
import type { K8sObject } from "./k8s-objects.js";

// The tests' view of the overlays: rendered once per test file, handed out as fresh copies so
// a test that breaks a manifest on purpose breaks only its own.

let cache: Map<string, K8sObject[]> | undefined;

export function rendered(overlay: string): K8sObject[] {
  cache ??= buildOverlays();
  const objects = cache.get(overlay);
  if (!objects) throw new Error(`no overlay named ${overlay}`);
  return structuredClone(objects);
}

/** A copy of the overlay with one object changed by `change`. */
export function renderedWith(
  overlay: string,
  kind: string,
  name: string,
  // any: a test breaks whichever field it likes, typed or not.
  // biome-ignore lint/suspicious/noExplicitAny: the point is to write fields the schema types forbid
  change: (object: any) => void,
): K8sObject[] {
  const objects = rendered(overlay);
  const ofKind = objects.filter((o) => o.kind === kind);
  // Generated ConfigMaps carry a hash suffix: "platform" finds "platform-9k6mk862c4".
  const object = ofKind.find((o) => o.metadata.name === name) ?? ofKind.find((o) => o.metadata.name.startsWith(`${name}-`));
  if (!object) throw new Error(`${overlay} renders no ${kind} ${name}`);
  change(object);
  return objects;
}

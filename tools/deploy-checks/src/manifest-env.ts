import type { IContainer } from "kubernetes-models/v1";
import { configMaps, type K8sObject } from "./k8s-objects.js";

// The environment a container gets from its manifest, resolved against the rendered
// ConfigMaps. Secrets are not in the manifests (the operator creates them), so their values
// stay unknown, but their variable names are known as long as they come through secretKeyRef.

export interface DeclaredVariable {
  name: string;
  /** The value, when the manifests hold it (literal or ConfigMap). */
  value?: string;
  /** Where it comes from, for messages: `ConfigMap platform-abc key NATS_URL`. */
  source: string;
}

export function declaredEnv(
  container: IContainer,
  namespace: string | undefined,
  objects: readonly K8sObject[],
): { variables: DeclaredVariable[]; problems: string[] } {
  const problems: string[] = [];
  // Later entries win, and env wins over envFrom, as in the kubelet.
  const variables = new Map<string, DeclaredVariable>();
  const configMap = (name: string) =>
    configMaps(objects).find((map) => map.metadata?.name === name && map.metadata?.namespace === namespace);

  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const map = configMap(source.configMapRef.name ?? "");
      if (!map) {
        if (!source.configMapRef.optional) problems.push(`envFrom names ConfigMap ${source.configMapRef.name}, which is not rendered`);
        continue;
      }
      for (const [key, value] of Object.entries(map.data ?? {})) {
        const name = `${source.prefix ?? ""}${key}`;
        variables.set(name, { name, value, source: `ConfigMap ${map.metadata?.name}` });
      }
    }
    if (source.secretRef) {
      problems.push(
        `envFrom takes every key of Secret ${source.secretRef.name}, which these checks cannot see; use env entries with secretKeyRef`,
      );
    }
  }

  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    if (!from) {
      variables.set(entry.name, { name: entry.name, value: entry.value ?? "", source: "a literal value" });
    } else if (from.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const value = configMap(ref.name ?? "")?.data?.[ref.key];
      if (value === undefined && !ref.optional) {
        problems.push(`${entry.name} refers to ConfigMap ${ref.name} key ${ref.key}, which is not rendered`);
      }
      variables.set(entry.name, { name: entry.name, value, source: `ConfigMap ${ref.name} key ${ref.key}` });
    } else if (from.secretKeyRef) {
      variables.set(entry.name, {
        name: entry.name,
        source: `Secret ${from.secretKeyRef.name} key ${from.secretKeyRef.key}`,
      });
    } else {
      variables.set(entry.name, { name: entry.name, source: "a field of the pod" });
    }
  }
  return { variables: [...variables.values()], problems };
}

/** The values the manifests hold, as the environment the service would see them in. */
export function knownValues(variables: readonly DeclaredVariable[]): Record<string, string> {
  return Object.fromEntries(variables.filter((v) => v.value !== undefined).map((v) => [v.name, v.value as string]));
}

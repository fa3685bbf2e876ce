import type { IDeployment, IStatefulSet } from "kubernetes-models/apps/v1";
import type { IJob } from "kubernetes-models/batch/v1";
import type { IConfigMap, IContainer, IPodSpec, IService } from "kubernetes-models/v1";

// The shapes of rendered objects the checks read. schema-validation.ts is what makes sure the
// rest of every object is well-formed; these helpers only navigate.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export type Workload = IDeployment | IStatefulSet | IJob;

/** "Deployment invoicing/order": how every message names an object. */
export function describe(object: { kind: string; metadata?: { name?: string; namespace?: string } }): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind} ${namespace ? `${namespace}/` : ""}${object.metadata?.name ?? "(unnamed)"}`;
}

export function isWorkload(object: K8sObject): boolean {
  return (
    (object.apiVersion === "apps/v1" && (object.kind === "Deployment" || object.kind === "StatefulSet")) ||
    (object.apiVersion === "batch/v1" && object.kind === "Job")
  );
}

export function workloads(objects: readonly K8sObject[]): Workload[] {
  return objects.filter(isWorkload) as unknown as Workload[];
}

export function podSpec(workload: Workload): IPodSpec | undefined {
  return workload.spec?.template?.spec;
}

export function podLabels(workload: Workload): Record<string, string> {
  return workload.spec?.template?.metadata?.labels ?? {};
}

export function findObject<T>(objects: readonly K8sObject[], kind: string, name: string, namespace: string | undefined): T | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace) as T | undefined;
}

export function configMaps(objects: readonly K8sObject[]): IConfigMap[] {
  return objects.filter((o) => o.kind === "ConfigMap") as unknown as IConfigMap[];
}

export function services(objects: readonly K8sObject[]): IService[] {
  return objects.filter((o) => o.kind === "Service") as unknown as IService[];
}

/** A Service's or a policy's equality selector: every pair must be among the pod's labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** A targetPort (number or name) resolved against the pod's containers, or undefined. */
export function resolveContainerPort(containers: readonly IContainer[], target: number | string): number | undefined {
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (typeof target === "number" ? port.containerPort === target : port.name === target) {
        return port.containerPort;
      }
    }
  }
  return undefined;
}

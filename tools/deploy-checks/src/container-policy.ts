import type { IContainer, IPodSpec } from "kubernetes-models/v1";
import { describe, podSpec, workloads, type K8sObject, type Workload } from "./k8s-objects.js";
import { serviceSpecs, type ServiceSpec } from "./service-configs.js";
import { serviceDeployments } from "./service-deployments.js";

// What every pod and container in deploy/k8s must have: probes, requests and limits, and a
// locked-down security context; plus what the four services need on a read-only root
// filesystem and for a clean drain.

export function checkContainerPolicy(objects: readonly K8sObject[], specs: readonly ServiceSpec[] = serviceSpecs): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    const pod = podSpec(workload);
    if (!pod) {
      problems.push(`${describe(workload)} has no pod template`);
      continue;
    }
    if (pod.enableServiceLinks !== false) {
      problems.push(
        `${describe(workload)} must set enableServiceLinks: false: Kubernetes would inject <SERVICE>_PORT=tcp://… variables, and the services read ORDER_PORT, INVOICE_PORT… as numbers`,
      );
    }
    // Probes do not apply to a Job's run-to-completion container, nor to init containers.
    const needsProbes = workload.kind !== "Job";
    for (const container of pod.containers) {
      problems.push(...checkContainer(workload, pod, container, needsProbes));
    }
    for (const container of pod.initContainers ?? []) {
      problems.push(...checkContainer(workload, pod, container, false));
    }
  }
  problems.push(...checkServicePods(objects, specs));
  return problems;
}

function checkContainer(workload: Workload, pod: IPodSpec, container: IContainer, needsProbes: boolean): string[] {
  const where = `${describe(workload)} container ${container.name}`;
  const problems: string[] = [];
  if (needsProbes) {
    if (!container.livenessProbe) problems.push(`${where} has no livenessProbe`);
    if (!container.readinessProbe) problems.push(`${where} has no readinessProbe`);
  }
  for (const bound of ["requests", "limits"] as const) {
    for (const resource of ["cpu", "memory"]) {
      if (container.resources?.[bound]?.[resource] === undefined) {
        problems.push(`${where} has no resources.${bound}.${resource}`);
      }
    }
  }
  const security = container.securityContext ?? {};
  if ((security.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) !== true) {
    problems.push(`${where} must run as non-root (securityContext.runAsNonRoot: true)`);
  }
  if ((security.runAsUser ?? pod.securityContext?.runAsUser) === 0) {
    problems.push(`${where} runs as user 0`);
  }
  if (security.readOnlyRootFilesystem !== true) {
    problems.push(`${where} must set securityContext.readOnlyRootFilesystem: true`);
  }
  if (security.allowPrivilegeEscalation !== false) {
    problems.push(`${where} must set securityContext.allowPrivilegeEscalation: false`);
  }
  if (!security.capabilities?.drop?.includes("ALL")) {
    problems.push(`${where} must drop ALL capabilities (securityContext.capabilities.drop: [ALL])`);
  }
  return problems;
}

function emptyDirAt(pod: IPodSpec, container: IContainer, path: string) {
  const mount = container.volumeMounts?.find((m) => m.mountPath === path);
  return mount && pod.volumes?.find((v) => v.name === mount.name)?.emptyDir;
}

function checkServicePods(objects: readonly K8sObject[], specs: readonly ServiceSpec[]): string[] {
  const { found, problems } = serviceDeployments(objects, specs);
  for (const { spec, deployment, container, where, values } of found) {
    const pod = deployment.spec?.template.spec;
    if (!pod) continue;
    // tsx compiles the TypeScript at start and caches it in the temp dir.
    if (!emptyDirAt(pod, container, "/tmp")) {
      problems.push(`${where} needs a writable emptyDir at /tmp: the root filesystem is read-only and tsx caches there`);
    }
    if (spec.name === "renderer" && emptyDirAt(pod, container, "/dev/shm")?.medium !== "Memory") {
      problems.push(`${where} needs an emptyDir with medium: Memory at /dev/shm for Chromium`);
    }
    let drainMs: number;
    try {
      drainMs = spec.drainMs(values);
    } catch {
      continue; // env-contract.ts reports a configuration the service refuses
    }
    const graceSeconds = pod.terminationGracePeriodSeconds ?? 30;
    if (graceSeconds * 1000 <= drainMs) {
      problems.push(
        `${describe(deployment)} terminationGracePeriodSeconds is ${graceSeconds}, but the ${spec.name} service's drain may take ${drainMs / 1000} s: it would be killed mid-drain`,
      );
    }
  }
  return problems;
}

import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { describe, podLabels, podSpec, workloads, type K8sObject, type Workload } from "./k8s-objects.js";

type LabelSelector = NonNullable<INetworkPolicy["spec"]>["podSelector"];

// A NetworkPolicy fails quietly: a selector with a typo protects nothing or blocks everyone,
// and a port that moved blocks the clients. These checks resolve every selector and port
// against the rendered workloads.

export function matchesSelector(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case "In":
        return value !== undefined && (e.values ?? []).includes(value);
      case "NotIn":
        return value === undefined || !(e.values ?? []).includes(value);
      case "Exists":
        return value !== undefined;
      case "DoesNotExist":
        return value === undefined;
      default:
        return false;
    }
  });
  return pairs && expressions;
}

function policies(objects: readonly K8sObject[]): INetworkPolicy[] {
  return objects.filter((o) => o.kind === "NetworkPolicy") as unknown as INetworkPolicy[];
}

function selected(objects: readonly K8sObject[], namespace: string | undefined, selector: LabelSelector | undefined): Workload[] {
  return workloads(objects).filter(
    (w) => w.metadata?.namespace === namespace && matchesSelector(selector, podLabels(w)),
  );
}

const appName = (w: Workload) => podLabels(w)["app.kubernetes.io/name"] ?? w.metadata?.name ?? "?";

/** The workloads (by app.kubernetes.io/name) the policies let in to the named workload's pods. */
export function allowedSources(objects: readonly K8sObject[], target: string): string[] {
  const sources = new Set<string>();
  for (const policy of policies(objects)) {
    const namespace = policy.metadata?.namespace;
    if (!selected(objects, namespace, policy.spec?.podSelector).some((w) => appName(w) === target)) continue;
    for (const rule of policy.spec?.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        for (const w of selected(objects, namespace, peer.podSelector)) sources.add(appName(w));
      }
    }
  }
  return [...sources].sort();
}

export function checkNetworkPolicies(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const policy of policies(objects)) {
    const namespace = policy.metadata?.namespace;
    const protectedPods = selected(objects, namespace, policy.spec?.podSelector);
    if (protectedPods.length === 0) {
      problems.push(`${describe(policy)}: its podSelector selects no workload, so it protects nothing`);
      continue;
    }
    const containers = protectedPods.flatMap((w) => podSpec(w)?.containers ?? []);
    for (const rule of policy.spec?.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        if (peer.podSelector && !peer.namespaceSelector && selected(objects, namespace, peer.podSelector).length === 0) {
          problems.push(`${describe(policy)}: a source podSelector selects no workload (${JSON.stringify(peer.podSelector)})`);
        }
      }
      for (const port of rule.ports ?? []) {
        if (port.port === undefined) continue;
        const served = containers.some((c) =>
          (c.ports ?? []).some((p) => (typeof port.port === "number" ? p.containerPort === port.port : p.name === port.port)),
        );
        if (!served) {
          problems.push(
            `${describe(policy)} allows port ${port.port}, which the pods it protects (${protectedPods.map(describe).join(", ")}) do not listen on`,
          );
        }
      }
    }
  }
  return problems;
}

import type { INetworkPolicy, INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1";
import { describe, podLabels, podSpec, workloads, type K8sObject, type Workload } from "./k8s-objects.js";
import { METRICS_PORT_NAME } from "./port-agreement.js";
import { serviceSpecs, type ServiceSpec } from "./service-configs.js";
import { serviceDeployments } from "./service-deployments.js";

type LabelSelector = NonNullable<INetworkPolicy["spec"]>["podSelector"];

/** A pod somewhere in the cluster, as a policy's peer selectors see it. */
export interface PeerPod {
  namespace: string;
  labels: Record<string, string>;
}

/**
 * The Prometheus that scrapes the services (deploy/k8s/README.md, "Metrics and alerts"): pods
 * labelled app.kubernetes.io/name=prometheus in the namespace monitoring.
 */
export const PROMETHEUS: PeerPod = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };

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
  return workloads(objects).filter((w) => w.metadata?.namespace === namespace && matchesSelector(selector, podLabels(w)));
}

const appName = (w: Workload) => podLabels(w)["app.kubernetes.io/name"] ?? w.metadata?.name ?? "?";

/**
 * A namespace's labels as a namespaceSelector sees them: the name label Kubernetes sets on
 * every namespace (1.22+), plus those of a rendered Namespace object.
 */
function namespaceLabels(objects: readonly K8sObject[], namespace: string): Record<string, string> {
  const rendered = objects.find((o) => o.kind === "Namespace" && o.metadata.name === namespace);
  return { ...rendered?.metadata.labels, "kubernetes.io/metadata.name": namespace };
}

/** Whether one `from` entry admits `pod`: its selectors are ANDed; no namespaceSelector means the policy's namespace. */
function peerAdmits(objects: readonly K8sObject[], peer: INetworkPolicyPeer, policyNamespace: string | undefined, pod: PeerPod): boolean {
  if (!peer.podSelector && !peer.namespaceSelector) return false; // an ipBlock: not a pod selector
  const namespaceMatches = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels(objects, pod.namespace))
    : pod.namespace === policyNamespace;
  return namespaceMatches && (!peer.podSelector || matchesSelector(peer.podSelector, pod.labels));
}

/** The policies that isolate the named workload's pods for ingress. */
function policiesFor(objects: readonly K8sObject[], target: string): INetworkPolicy[] {
  return policies(objects).filter(
    (policy) =>
      (policy.spec?.policyTypes ?? ["Ingress"]).includes("Ingress") &&
      selected(objects, policy.metadata?.namespace, policy.spec?.podSelector).some((w) => appName(w) === target),
  );
}

/** The workloads of its own namespace (by app.kubernetes.io/name) the policies let in to the named workload's pods. */
export function allowedSources(objects: readonly K8sObject[], target: string): string[] {
  const sources = new Set<string>();
  for (const policy of policiesFor(objects, target)) {
    const namespace = policy.metadata?.namespace;
    for (const rule of policy.spec?.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        for (const w of workloads(objects)) {
          if (w.metadata?.namespace !== namespace) continue;
          if (peerAdmits(objects, peer, namespace, { namespace: namespace ?? "", labels: podLabels(w) })) sources.add(appName(w));
        }
      }
    }
  }
  return [...sources].sort();
}

/**
 * The ports of the named workload's pods that the policies open to `from`, named ports
 * resolved to numbers; "all" when no policy isolates the pods or a rule admitting `from`
 * lists no ports.
 */
export function portsAdmitted(objects: readonly K8sObject[], target: string, from: PeerPod): number[] | "all" {
  const isolating = policiesFor(objects, target);
  if (isolating.length === 0) return "all";
  const containers = workloads(objects)
    .filter((w) => appName(w) === target)
    .flatMap((w) => podSpec(w)?.containers ?? []);
  const ports = new Set<number>();
  for (const policy of isolating) {
    for (const rule of policy.spec?.ingress ?? []) {
      // A rule without `from` admits every source.
      if (rule.from && rule.from.length > 0 && !rule.from.some((peer) => peerAdmits(objects, peer, policy.metadata?.namespace, from)))
        continue;
      if (!rule.ports || rule.ports.length === 0) return "all";
      for (const { port } of rule.ports) {
        if (port === undefined) return "all";
        if (typeof port === "number") ports.add(port);
        for (const c of containers) for (const p of c.ports ?? []) if (p.name === port) ports.add(p.containerPort);
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * Prometheus reaches every service's metrics port, and nothing else of a service a policy
 * isolates: a policy added for a service must not cut off its metrics, and the rule that lets
 * Prometheus in must not open the API.
 */
export function checkMetricsIngress(
  objects: readonly K8sObject[],
  specs: readonly ServiceSpec[] = serviceSpecs,
  prometheus: PeerPod = PROMETHEUS,
): string[] {
  const { found, problems } = serviceDeployments(objects, specs);
  const who = `Prometheus (pods ${Object.entries(prometheus.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",")} in namespace ${prometheus.namespace})`;
  for (const { spec, where, container } of found) {
    const metricsPort = container.ports?.find((p) => p.name === METRICS_PORT_NAME)?.containerPort;
    if (metricsPort === undefined) continue; // port-agreement.ts requires the port
    const admitted = portsAdmitted(objects, spec.name, prometheus);
    const names = policiesFor(objects, spec.name)
      .map((p) => p.metadata?.name)
      .join(", ");
    if (admitted === "all") {
      if (names) problems.push(`${where}: NetworkPolicies ${names} admit ${who} to every port, not only ${METRICS_PORT_NAME}`);
      continue;
    }
    if (!admitted.includes(metricsPort)) {
      problems.push(
        `${where}: NetworkPolicies ${names} admit no ${who} to its ${METRICS_PORT_NAME} port ${metricsPort}: nothing could scrape it`,
      );
    }
    const others = admitted.filter((port) => port !== metricsPort);
    if (others.length > 0) {
      problems.push(`${where}: NetworkPolicies ${names} admit ${who} to port(s) ${others.join(", ")}, not only ${METRICS_PORT_NAME}`);
    }
  }
  return problems;
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

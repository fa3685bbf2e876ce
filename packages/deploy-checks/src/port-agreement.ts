import type { IContainer, IService } from "kubernetes-models/v1";
import {
  describe,
  podLabels,
  podSpec,
  resolveContainerPort,
  selects,
  services,
  workloads,
  type K8sObject,
} from "./k8s-objects.js";
import { serviceSpecs, type ServiceSpec } from "./service-configs.js";
import { serviceDeployments, type ServiceDeployment } from "./service-deployments.js";

// Ports agree with the port each service really listens on: its readConfig given the
// environment the manifest sets (or the code's default). So do the probes, the Services in
// front of it, and the addresses other services are given.

const ANY_ADDRESS = new Set(["0.0.0.0", "::"]);
const PROBES = ["startupProbe", "readinessProbe", "livenessProbe"] as const;

export function checkPortAgreement(objects: readonly K8sObject[], specs: readonly ServiceSpec[] = serviceSpecs): string[] {
  const { found, problems } = serviceDeployments(objects, specs);
  // Where each service's pods really listen, by Deployment: what a client reaching them must use.
  const listeners = new Map<string, { host: string; port: number }>();
  for (const service of found) {
    try {
      listeners.set(describe(service.deployment), service.spec.readConfig(service.values));
    } catch {
      // env-contract.ts reports a configuration the service refuses
    }
  }
  for (const service of found) {
    const listener = listeners.get(describe(service.deployment));
    if (!listener) continue;
    problems.push(...checkListener(service, listener), ...checkServicesInFront(objects, service, listener.port));
    problems.push(...checkAddresses(objects, service, listeners));
  }
  return problems;
}

function checkListener(service: ServiceDeployment, listener: { host: string; port: number }): string[] {
  const { where, container } = service;
  const problems: string[] = [];
  if (!ANY_ADDRESS.has(listener.host)) {
    problems.push(`${where} listens on ${listener.host}: probes and other pods reach only 0.0.0.0 or ::`);
  }
  if (!container.ports?.some((port) => port.containerPort === listener.port)) {
    problems.push(
      `${where} declares no containerPort ${listener.port}, the port ${service.spec.configModule} listens on with this environment`,
    );
  }
  for (const kind of PROBES) {
    const probe = container[kind];
    if (!probe) continue; // container-policy.ts requires the probes
    if (!probe.grpc) {
      problems.push(`${where} ${kind} is not a gRPC probe: the service answers grpc.health.v1 on its port, nothing else`);
    } else if (probe.grpc.port !== listener.port) {
      problems.push(
        `${where} ${kind} asks grpc.health.v1 on port ${probe.grpc.port}, but the service listens on ${listener.port}`,
      );
    }
  }
  return problems;
}

function checkServicesInFront(objects: readonly K8sObject[], service: ServiceDeployment, port: number): string[] {
  const labels = service.deployment.spec?.template.metadata?.labels ?? {};
  const containers = service.deployment.spec?.template.spec?.containers ?? [];
  const fronting = services(objects).filter(
    (s) => s.metadata?.namespace === service.namespace && selects(s.spec?.selector, labels),
  );
  if (fronting.length === 0) return [`no Service selects the pods of ${describe(service.deployment)}`];
  const problems: string[] = [];
  let reachesListener = false;
  for (const front of fronting) {
    for (const servicePort of front.spec?.ports ?? []) {
      const target = servicePort.targetPort ?? servicePort.port;
      const resolved = resolveContainerPort(containers, target);
      if (resolved === undefined) {
        problems.push(`${describe(front)} port ${servicePort.port} targets ${target}, which no container of ${describe(service.deployment)} declares`);
      } else if (resolved === port) {
        reachesListener = true;
      }
    }
  }
  if (!reachesListener) {
    problems.push(`no Service port leads to ${service.where}'s listener on ${port} (Services: ${fronting.map((s) => s.metadata?.name).join(", ")})`);
  }
  return problems;
}

// ---- addresses in the environment -----------------------------------------------------------

interface ClusterAddress {
  service: string;
  namespace: string;
  port: number;
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "nats:": 4222 };

/** `dns:///svc.ns.svc.cluster.local:1234` or a URL on such a host; anything else is not ours to check. */
export function clusterAddress(value: string): ClusterAddress | undefined {
  let host: string;
  let port: number;
  const dns = /^dns:\/\/\/([^:/]+):(\d+)$/.exec(value);
  if (dns) {
    host = dns[1]!;
    port = Number(dns[2]);
  } else {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    host = url.hostname;
    port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? NaN);
  }
  const name = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  return name ? { service: name[1]!, namespace: name[2]!, port } : undefined;
}

function checkAddresses(
  objects: readonly K8sObject[],
  service: ServiceDeployment,
  listeners: ReadonlyMap<string, { port: number }>,
): string[] {
  const problems: string[] = [];
  for (const variable of service.variables) {
    if (variable.value === undefined) continue;
    const address = clusterAddress(variable.value);
    if (!address) continue;
    const target = services(objects).find(
      (s) => s.metadata?.name === address.service && s.metadata?.namespace === address.namespace,
    );
    const what = `${service.where} ${variable.name}=${variable.value}`;
    if (!target) {
      problems.push(`${what} names Service ${address.namespace}/${address.service}, which these manifests do not create`);
      continue;
    }
    const headless = target.spec?.clusterIP === "None";
    // grpc-js balances round robin only over the pod addresses a headless Service's DNS returns.
    if (variable.name === "RENDERER_TARGET" && !headless) {
      problems.push(`${what}: the Service must be headless (clusterIP: None) for grpc-js to balance over the pods`);
    }
    // Through a headless Service the client connects to the pods themselves, at this port.
    const reachable = headless ? podPorts(objects, target, listeners) : (target.spec?.ports ?? []).map((p) => p.port);
    if (!reachable.includes(address.port)) {
      problems.push(
        `${what}: port ${address.port} is not served there (${headless ? "the pods listen on" : "the Service's ports are"}: ${reachable.join(", ") || "none"})`,
      );
    }
  }
  return problems;
}

/** The ports a headless Service's pods listen on: a service's configured port, else its containerPorts. */
function podPorts(
  objects: readonly K8sObject[],
  service: IService,
  listeners: ReadonlyMap<string, { port: number }>,
): number[] {
  return workloads(objects)
    .filter((w) => w.metadata?.namespace === service.metadata?.namespace && selects(service.spec?.selector, podLabels(w)))
    .flatMap((w) => {
      const listener = listeners.get(describe(w));
      if (listener) return [listener.port];
      const containers: IContainer[] = podSpec(w)?.containers ?? [];
      return containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    });
}

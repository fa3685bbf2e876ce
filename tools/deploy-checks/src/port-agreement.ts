import type { IContainer, IService } from "kubernetes-models/v1";
import { describe, podLabels, podSpec, resolveContainerPort, selects, services, workloads, type K8sObject } from "./k8s-objects.js";
import { serviceSpecs, type ServiceSpec } from "./service-configs.js";
import { serviceDeployments, type ServiceDeployment } from "./service-deployments.js";

// Ports agree with the port each service really listens on: its readConfig given the
// environment the manifest sets (or the code's default). So do the probes, the Services in
// front of it, the addresses other services are given, and the metrics port Prometheus is
// pointed at (the containerPort named metrics and the prometheus.io annotations).

const ANY_ADDRESS = new Set(["0.0.0.0", "::"]);

type Listener = ReturnType<ServiceSpec["readConfig"]>;
const PROBES = ["startupProbe", "readinessProbe", "livenessProbe"] as const;

export function checkPortAgreement(objects: readonly K8sObject[], specs: readonly ServiceSpec[] = serviceSpecs): string[] {
  const { found, problems } = serviceDeployments(objects, specs);
  // Where each service's pods really listen, by Deployment: what a client reaching them must use.
  const listeners = new Map<string, Listener>();
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
    problems.push(...checkMetricsPort(service, listener));
    problems.push(...checkAddresses(objects, service, listeners));
  }
  return problems;
}

/**
 * Where the kubelet's probes get an answer: the service's port, or with TLS the plaintext
 * HEALTH_PORT (the kubelet's gRPC probes cannot do TLS).
 */
function probePort(service: ServiceDeployment, listener: Listener): { port: number; problems: string[] } {
  const { tls } = listener.tls;
  const healthPort = listener.tls.healthPort;
  if (tls === undefined || healthPort === undefined) return { port: listener.port, problems: [] };
  const problems: string[] = [];
  if (healthPort === 0) {
    problems.push(
      `${service.where} has TLS on but no HEALTH_PORT: its plaintext health port would be random, and the kubelet's probes cannot do TLS`,
    );
  } else if (healthPort === listener.port || healthPort === listener.metricsPort) {
    problems.push(`${service.where} HEALTH_PORT is ${healthPort}, which another of its listeners uses`);
  }
  return { port: healthPort, problems };
}

function checkListener(service: ServiceDeployment, listener: Listener): string[] {
  const { where, container } = service;
  const probes = probePort(service, listener);
  const problems: string[] = [...probes.problems];
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
    if (probes.port === 0) continue; // reported above: no port a probe could name
    if (!probe.grpc) {
      problems.push(`${where} ${kind} is not a gRPC probe: the service answers grpc.health.v1 on its port, nothing else`);
    } else if (probe.grpc.port !== probes.port) {
      problems.push(
        probes.port === listener.port
          ? `${where} ${kind} asks grpc.health.v1 on port ${probe.grpc.port}, but the service listens on ${listener.port}`
          : `${where} ${kind} asks grpc.health.v1 on port ${probe.grpc.port}, but with TLS on the service answers plaintext probes on HEALTH_PORT ${probes.port}`,
      );
    }
  }
  return problems;
}

/** Where Prometheus is told to scrape (annotations) and may connect (containerPort "metrics"). */
export const METRICS_PORT_NAME = "metrics";
const SCRAPE_ANNOTATIONS = ["prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path"] as const;

function checkMetricsPort(service: ServiceDeployment, listener: { port: number; metricsPort: number }): string[] {
  const { where, container, deployment } = service;
  const metricsPort = listener.metricsPort;
  if (metricsPort === 0) {
    // Unset is reported by env-contract.ts; set to 0 is a port nobody can name.
    return service.values["METRICS_PORT"] === undefined
      ? []
      : [
          `${where} METRICS_PORT is 0: the service would pick a random metrics port, which neither Prometheus nor the containerPort named ${METRICS_PORT_NAME} can name`,
        ];
  }
  const problems: string[] = [];
  if (metricsPort === listener.port) {
    problems.push(`${where} METRICS_PORT is ${metricsPort}, the gRPC port too: the service could not open both listeners`);
  }
  const declared = container.ports?.find((port) => port.name === METRICS_PORT_NAME);
  if (!declared) {
    problems.push(
      `${where} declares no containerPort named ${METRICS_PORT_NAME}; the service serves its metrics on ${metricsPort} (METRICS_PORT)`,
    );
  } else if (declared.containerPort !== metricsPort) {
    problems.push(
      `${where} containerPort ${METRICS_PORT_NAME} is ${declared.containerPort}, but the service serves its metrics on ${metricsPort} (METRICS_PORT)`,
    );
  }
  const annotations = deployment.spec?.template.metadata?.annotations ?? {};
  const expected: Record<(typeof SCRAPE_ANNOTATIONS)[number], string> = {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": String(metricsPort),
    "prometheus.io/path": "/metrics",
  };
  for (const name of SCRAPE_ANNOTATIONS) {
    if (annotations[name] !== expected[name]) {
      problems.push(
        `${describe(deployment)} pod annotation ${name} is ${annotations[name] === undefined ? "missing" : `"${annotations[name]}"`}, but must be "${expected[name]}" for Prometheus to scrape the metrics the service serves`,
      );
    }
  }
  return problems;
}

function checkServicesInFront(objects: readonly K8sObject[], service: ServiceDeployment, port: number): string[] {
  const labels = service.deployment.spec?.template.metadata?.labels ?? {};
  const containers = service.deployment.spec?.template.spec?.containers ?? [];
  const fronting = services(objects).filter((s) => s.metadata?.namespace === service.namespace && selects(s.spec?.selector, labels));
  if (fronting.length === 0) return [`no Service selects the pods of ${describe(service.deployment)}`];
  const problems: string[] = [];
  let reachesListener = false;
  for (const front of fronting) {
    for (const servicePort of front.spec?.ports ?? []) {
      const target = servicePort.targetPort ?? servicePort.port;
      const resolved = resolveContainerPort(containers, target);
      if (resolved === undefined) {
        problems.push(
          `${describe(front)} port ${servicePort.port} targets ${target}, which no container of ${describe(service.deployment)} declares`,
        );
      } else if (resolved === port) {
        reachesListener = true;
      }
    }
  }
  if (!reachesListener) {
    problems.push(
      `no Service port leads to ${service.where}'s listener on ${port} (Services: ${fronting.map((s) => s.metadata?.name).join(", ")})`,
    );
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
    const target = services(objects).find((s) => s.metadata?.name === address.service && s.metadata?.namespace === address.namespace);
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
function podPorts(objects: readonly K8sObject[], service: IService, listeners: ReadonlyMap<string, { port: number }>): number[] {
  return workloads(objects)
    .filter((w) => w.metadata?.namespace === service.metadata?.namespace && selects(service.spec?.selector, podLabels(w)))
    .flatMap((w) => {
      const listener = listeners.get(describe(w));
      if (listener) return [listener.port];
      const containers: IContainer[] = podSpec(w)?.containers ?? [];
      return containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    });
}

import type { IVolume, IVolumeMount } from "kubernetes-models/v1";
import { posix } from "node:path";
import { describe, selects, services as servicesOf, type K8sObject } from "./k8s-objects.js";
import { serviceSpecs, type ServiceSpec } from "./service-configs.js";
import { serviceDeployments, type ServiceDeployment } from "./service-deployments.js";

// Mutual TLS as deployed: every TLS_* file is a key of the Secret a cert-manager Certificate
// writes, mounted into the container; all the services' certificates come from one Issuer
// (so each trusts the others' CA); and for each call between services the caller presents a
// certificate the callee accepts (TLS_CLIENT_NAMES) and dials a host name the callee's
// certificate carries (the client verifies it). No Service in front of a TLS listener claims
// cleartext HTTP/2 (appProtocol kubernetes.io/h2c), which a Gateway or mesh would believe.

/** Which key of a cert-manager Secret each variable must read. */
const SECRET_KEYS: Record<string, string> = {
  TLS_CERT_FILE: "tls.crt",
  TLS_KEY_FILE: "tls.key",
  TLS_CA_FILE: "ca.crt",
};

/** The calls between services, and the variable that holds the address the caller dials. */
export const SERVICE_CALLS = [
  { caller: "invoice", callee: "renderer", address: "RENDERER_TARGET" },
  { caller: "notifier", callee: "invoice", address: "INVOICE_SERVICE_URL" },
] as const;

interface CertificateObject extends K8sObject {
  spec?: { secretName?: string; dnsNames?: string[]; usages?: string[]; issuerRef?: { name?: string; kind?: string; group?: string } };
}

interface ServiceTls {
  service: ServiceDeployment;
  certificate: CertificateObject | undefined;
  /** TLS_CLIENT_NAMES as the service reads it (its own default included); undefined: any. */
  clientNames: readonly string[] | undefined;
}

export function checkTlsMounts(objects: readonly K8sObject[], specs: readonly ServiceSpec[] = serviceSpecs): string[] {
  const { found } = serviceDeployments(objects, specs); // missing Deployments are env-contract.ts's to report
  const problems: string[] = [];
  const withTls = new Map<string, ServiceTls>();
  for (const service of found) {
    if (!Object.keys(SECRET_KEYS).some((name) => service.values[name])) continue;
    let clientNames: readonly string[] | undefined;
    try {
      clientNames = service.spec.readConfig(service.values).tls.tls?.clientNames;
    } catch {
      continue; // env-contract.ts reports a configuration the service refuses
    }
    const mounted = mountedCertificate(objects, service, problems);
    problems.push(...checkAppProtocol(objects, service));
    withTls.set(service.spec.name, { service, certificate: mounted, clientNames });
  }
  problems.push(...checkOneIssuer([...withTls.values()]));
  for (const call of SERVICE_CALLS) problems.push(...checkCall(found, withTls, call));
  return problems;
}

/** The Certificate whose Secret the TLS_* files come from; every file checked on the way. */
function mountedCertificate(objects: readonly K8sObject[], service: ServiceDeployment, problems: string[]): CertificateObject | undefined {
  const volumes = service.deployment.spec?.template.spec?.volumes ?? [];
  const secrets = new Set<string>();
  for (const [name, key] of Object.entries(SECRET_KEYS)) {
    const variable = service.variables.find((v) => v.name === name);
    const path = variable?.value;
    if (!path) continue; // all three or none: readConfig refuses the rest
    const what = `${service.where} ${name}=${path}`;
    const mount = mountHolding(service.container.volumeMounts ?? [], path);
    const volume = mount && volumes.find((v) => v.name === mount.name);
    if (!mount || !volume) {
      problems.push(`${what} is in no volume mounted into the container: the service would stop at start`);
      continue;
    }
    if (!volume.secret?.secretName) {
      problems.push(`${what} is mounted from volume ${volume.name}, which is not a Secret: cert-manager writes certificates into Secrets`);
      continue;
    }
    const readKey = secretKey(volume, posix.relative(mount.mountPath, path));
    if (readKey !== key) {
      problems.push(
        `${what} reads ${readKey === undefined ? "no key" : `key ${readKey}`} of Secret ${volume.secret.secretName}; cert-manager writes it as ${key}`,
      );
    }
    secrets.add(volume.secret.secretName);
  }
  if (secrets.size > 1) {
    problems.push(
      `${service.where} reads its TLS files from several Secrets (${[...secrets].join(", ")}): the key, its certificate and their CA must come from one Certificate`,
    );
  }
  const [secretName] = secrets;
  if (secretName === undefined) return undefined;
  const certificate = (objects as CertificateObject[]).find(
    (o) => o.kind === "Certificate" && o.metadata.namespace === service.namespace && o.spec?.secretName === secretName,
  );
  if (!certificate) {
    problems.push(`${service.where} mounts Secret ${secretName} for TLS, which no Certificate in these manifests writes`);
    return undefined;
  }
  const usages = certificate.spec?.usages;
  if (usages && !(usages.includes("server auth") && usages.includes("client auth"))) {
    problems.push(`${describe(certificate)} usages must include server auth and client auth: each service serves and calls with it`);
  }
  return certificate;
}

function checkAppProtocol(objects: readonly K8sObject[], service: ServiceDeployment): string[] {
  const labels = service.deployment.spec?.template.metadata?.labels ?? {};
  return servicesOf(objects)
    .filter((s) => s.metadata?.namespace === service.namespace && selects(s.spec?.selector, labels))
    .flatMap((s) =>
      (s.spec?.ports ?? [])
        .filter((port) => port.appProtocol === "kubernetes.io/h2c")
        .map((port) => `${describe(s)} port ${port.port} says appProtocol kubernetes.io/h2c, but ${service.where} serves TLS there`),
    );
}

/** The mount that holds `path` (the deepest, as the kubelet resolves nested mounts). */
function mountHolding(mounts: readonly IVolumeMount[], path: string): IVolumeMount | undefined {
  return mounts
    .filter((m) => !m.subPath && posix.isAbsolute(path) && !posix.relative(m.mountPath, path).startsWith(".."))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
}

/** The Secret key a file in a secret volume shows, given the volume's items (all keys by their names without). */
function secretKey(volume: IVolume, file: string): string | undefined {
  const items = volume.secret?.items;
  if (!items) return file;
  return items.find((item) => item.path === file)?.key;
}

function issuerOf(certificate: CertificateObject): string {
  const ref = certificate.spec?.issuerRef ?? {};
  return `${ref.kind ?? "Issuer"} ${ref.name ?? "(none)"}`;
}

function checkOneIssuer(services: readonly ServiceTls[]): string[] {
  const issuers = new Map<string, string[]>();
  for (const { service, certificate } of services) {
    if (!certificate) continue;
    const issuer = issuerOf(certificate);
    issuers.set(issuer, [...(issuers.get(issuer) ?? []), service.spec.name]);
  }
  if (issuers.size <= 1) return [];
  const listed = [...issuers].map(([issuer, names]) => `${names.join(", ")} from ${issuer}`).join("; ");
  return [
    `the services' certificates come from different issuers (${listed}): each trusts only its own CA, so the calls between them would fail`,
  ];
}

/** The host a client dials: `dns:///host:port`, `host:port` or a URL. */
function dialledHost(address: string): string | undefined {
  const dns = /^dns:\/\/\/([^:/]+)(:\d+)?$/.exec(address);
  if (dns) return dns[1];
  try {
    return new URL(address).hostname || undefined;
  } catch {
    return /^([^:/,]+):\d+$/.exec(address)?.[1];
  }
}

function checkCall(
  found: readonly ServiceDeployment[],
  withTls: ReadonlyMap<string, ServiceTls>,
  call: (typeof SERVICE_CALLS)[number],
): string[] {
  const caller = withTls.get(call.caller);
  const callee = withTls.get(call.callee);
  const callerDeployment = found.find((s) => s.spec.name === call.caller);
  if (!callerDeployment || !found.some((s) => s.spec.name === call.callee)) return [];
  const what = `${call.caller} → ${call.callee}`;
  if (!caller && !callee) return [];
  if (!caller || !callee) {
    return [
      `${what}: only the ${caller ? call.caller : call.callee} service has TLS on, so the ${call.caller} service's calls would fail the handshake`,
    ];
  }
  const problems: string[] = [];
  if (caller.certificate && callee.clientNames) {
    const presented = caller.certificate.spec?.dnsNames ?? [];
    if (!presented.some((name) => callee.clientNames!.includes(name))) {
      problems.push(
        `${what}: the ${call.callee} service accepts ${callee.clientNames.join(", ")} (TLS_CLIENT_NAMES), but ${describe(caller.certificate)}, which the ${call.caller} service presents, names ${presented.join(", ") || "nothing"}`,
      );
    }
  }
  const address = callerDeployment.variables.find((v) => v.name === call.address)?.value;
  const host = address ? dialledHost(address) : undefined;
  const names = callee.certificate?.spec?.dnsNames ?? [];
  if (callee.certificate && host && !names.includes(host)) {
    problems.push(
      `${what}: the ${call.caller} service dials ${host} (${call.address}), which ${describe(callee.certificate)} does not name (${names.join(", ")}): it would refuse the ${call.callee} service's certificate`,
    );
  }
  return problems;
}

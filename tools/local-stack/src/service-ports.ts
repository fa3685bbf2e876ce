import { freeLoopbackPorts } from "./free-port.js";
import type { ServiceName } from "./service-process.js";

/** The variable each service's gRPC server listens on (its src/config.ts). */
export const PORT_VARIABLE: Record<ServiceName, string> = {
  order: "ORDER_PORT",
  invoice: "INVOICE_PORT",
  renderer: "RENDERER_PORT",
  notifier: "NOTIFIER_PORT",
};

export interface ServicePorts {
  port: number;
  metricsPort: number;
  /** The plaintext grpc.health port, which a service has only when it runs mutual TLS. */
  healthPort: number | undefined;
}

/** Whether `env` starts the service with mutual TLS (service-kit's tls-config.ts reads these). */
export const hasServerTls = (env: Record<string, string | undefined>) => Boolean(env["TLS_CERT_FILE"]);

/**
 * The service's listening ports and the env that hands them over: what `env` sets is kept as
 * it is (a restart pins its ports; a bad value is the service's to refuse), and a variable
 * unset or 0 gets a free loopback port the harness picks. The harness so knows every port
 * before the service starts, instead of reading them back from its log. HEALTH_PORT only with
 * TLS: a service refuses it without (tls-config.ts).
 */
export async function assignServicePorts(
  service: ServiceName,
  env: Record<string, string | undefined>,
): Promise<{ ports: ServicePorts; env: Record<string, string> }> {
  const names = [PORT_VARIABLE[service], "METRICS_PORT", ...(hasServerTls(env) ? ["HEALTH_PORT"] : [])];
  const unset = names.filter((name) => (env[name] ?? "0") === "0");
  const picked = await freeLoopbackPorts(unset.length);
  const assigned: Record<string, string> = {};
  for (const name of names) assigned[name] = unset.includes(name) ? String(picked[unset.indexOf(name)]) : env[name]!;
  return {
    ports: {
      port: Number(assigned[PORT_VARIABLE[service]]),
      metricsPort: Number(assigned["METRICS_PORT"]),
      healthPort: assigned["HEALTH_PORT"] === undefined ? undefined : Number(assigned["HEALTH_PORT"]),
    },
    env: assigned,
  };
}

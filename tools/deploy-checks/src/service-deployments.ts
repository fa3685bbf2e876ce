import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IContainer } from "kubernetes-models/v1";
import { describe, type K8sObject } from "./k8s-objects.js";
import { declaredEnv, knownValues, type DeclaredVariable } from "./manifest-env.js";
import { withStandInFiles } from "./mounted-files.js";
import type { ServiceSpec } from "./service-configs.js";
import { withStandInTlsFiles } from "./stand-in-tls-files.js";

/**
 * Values for variables that come from Secrets (unknown here) which a config reader checks as
 * soon as a neighbour is set: NATS_USER is a literal, and the reader refuses it alone.
 */
const SECRET_STAND_INS: Readonly<Record<string, string>> = { NATS_PASSWORD: "stand-in-password" };

const withSecretStandIns = (variables: readonly DeclaredVariable[], values: Record<string, string>) => {
  const fromSecrets = variables.filter((v) => v.value === undefined && v.source.startsWith("Secret ") && v.name in SECRET_STAND_INS);
  return { ...values, ...Object.fromEntries(fromSecrets.map((v) => [v.name, SECRET_STAND_INS[v.name]!])) };
};

/** One service as deployed: its Deployment, its container and the environment it gets. */
export interface ServiceDeployment {
  spec: ServiceSpec;
  deployment: IDeployment;
  container: IContainer;
  namespace: string | undefined;
  /** "Deployment invoicing/order container order", for messages. */
  where: string;
  variables: DeclaredVariable[];
  /** The values the manifests hold, as the service's environment. */
  declaredValues: Record<string, string>;
  /** The same, with file variables pointing at local stand-ins (mounted-files.ts, stand-in-tls-files.ts), for running its config reader. */
  values: Record<string, string>;
  /** Problems resolving the environment (a ConfigMap that is not rendered, envFrom a Secret). */
  envProblems: string[];
}

/** Finds each service's Deployment and container; a missing one is a problem, not a skip. */
export function serviceDeployments(
  objects: readonly K8sObject[],
  specs: readonly ServiceSpec[],
): { found: ServiceDeployment[]; problems: string[] } {
  const found: ServiceDeployment[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === spec.name) as IDeployment | undefined;
    if (!deployment) {
      problems.push(`no Deployment named ${spec.name}: every overlay deploys the ${spec.name} service`);
      continue;
    }
    const container = deployment.spec?.template.spec?.containers.find((c) => c.name === spec.name);
    if (!container) {
      problems.push(`${describe(deployment)} has no container named ${spec.name}`);
      continue;
    }
    const namespace = deployment.metadata?.namespace;
    const where = `${describe(deployment)} container ${spec.name}`;
    const { variables, problems: envProblems } = declaredEnv(container, namespace, objects);
    found.push({
      spec,
      deployment,
      container,
      namespace,
      where,
      variables,
      declaredValues: knownValues(variables),
      values: withStandInTlsFiles(withStandInFiles(withSecretStandIns(variables, knownValues(variables)))),
      envProblems: envProblems.map((problem) => `${where}: ${problem}`),
    });
  }
  return { found, problems };
}

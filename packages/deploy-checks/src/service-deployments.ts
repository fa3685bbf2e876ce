import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IContainer } from "kubernetes-models/v1";
import { describe, type K8sObject } from "./k8s-objects.js";
import { declaredEnv, knownValues, type DeclaredVariable } from "./manifest-env.js";
import type { ServiceSpec } from "./service-configs.js";
import { withStandInTlsFiles } from "./stand-in-tls-files.js";

/** One service as deployed: its Deployment, its container and the environment it gets. */
export interface ServiceDeployment {
  spec: ServiceSpec;
  deployment: IDeployment;
  container: IContainer;
  namespace: string | undefined;
  /** "Deployment invoicing/order container order", for messages. */
  where: string;
  variables: DeclaredVariable[];
  /** The values the manifests hold, as the service's environment (TLS files: stand-ins, see stand-in-tls-files.ts). */
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
    const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === spec.name) as
      | IDeployment
      | undefined;
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
      values: withStandInTlsFiles(knownValues(variables)),
      envProblems: envProblems.map((problem) => `${where}: ${problem}`),
    });
  }
  return { found, problems };
}

import { podSpec, type K8sObject } from "./k8s-objects.js";
import { mountedFileProblems } from "./mounted-files.js";
import { serviceDeployments } from "./service-deployments.js";
import { serviceSpecs, variablesRead, type ServiceSpec } from "./service-configs.js";

/**
 * The manifests and the services' configuration code agree: every variable a service's
 * manifest sets is one its code reads (given that environment), the code accepts the values,
 * and every variable a cluster needs is set.
 */
export function checkEnvContract(objects: readonly K8sObject[], specs: readonly ServiceSpec[] = serviceSpecs): string[] {
  const { found, problems } = serviceDeployments(objects, specs);
  for (const service of found) {
    const { spec, where, variables, values } = service;
    problems.push(...service.envProblems);
    const pod = podSpec(service.deployment);
    if (pod) {
      for (const problem of mountedFileProblems(service.declaredValues, service.container, pod, service.namespace, objects)) {
        problems.push(`${where}: ${problem}`);
      }
    }
    const { reads, error } = variablesRead(spec, values);
    if (error) {
      problems.push(`${where}: the service would stop at start: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A reader that threw stopped reading: what it did not reach is not known to be unread.
    for (const variable of error ? [] : variables) {
      if (!reads.has(variable.name)) {
        problems.push(
          `${where} sets ${variable.name} (from ${variable.source}), which ${spec.configModule} never reads: a typo, or a setting the service does not have`,
        );
      }
    }
    const set = new Set(variables.map((v) => v.name));
    for (const [name, reason] of Object.entries(spec.requiredInCluster)) {
      if (!set.has(name)) problems.push(`${where} does not set ${name}, which a cluster needs: ${reason}`);
    }
  }
  return problems;
}

import { deployedAuthorization, passwordVariable } from "@invoicing/local-stack/nats-authorization";
import { NATS_USERS, type NatsUser } from "@invoicing/service-kit/messaging";
import type { IStatefulSet } from "kubernetes-models/apps/v1";
import type { IContainer, IEnvVar } from "kubernetes-models/v1";
import { configMaps, describe, podSpec, type K8sObject } from "./k8s-objects.js";
import { serviceDeployments } from "./service-deployments.js";
import { serviceSpecs } from "./service-configs.js";

// nats-server's users agree with the code: the authorization block in every nats.conf is the
// one nats-permissions.ts renders (a permission widened or narrowed by hand fails here, not in
// production), each password reaches nats-server and its service from the same Secret key, and
// each service connects as its own user.

export const NATS_CREDENTIALS_SECRET = "nats-credentials";
const secretKeyOf = (user: NatsUser) => `${user}-password`;

const secretRef = (env: readonly IEnvVar[] | undefined, name: string) => env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;

export function checkNatsAuthorization(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const nats = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "nats") as IStatefulSet | undefined;
  if (!nats) return ["no StatefulSet named nats"];
  const pod = podSpec(nats);
  const container: IContainer | undefined = pod?.containers.find((c) => c.name === "nats");
  const configVolume = pod?.volumes?.find((v) => v.name === "config")?.configMap?.name;
  const config = configMaps(objects).find((m) => m.metadata?.name === configVolume && m.metadata?.namespace === nats.metadata?.namespace);
  const conf = config?.data?.["nats.conf"];
  if (!conf) {
    problems.push(`${describe(nats)}: its config volume holds no nats.conf`);
  } else if (!conf.includes(deployedAuthorization())) {
    problems.push(
      `ConfigMap ${config?.metadata?.name}: nats.conf's authorization block differs from what packages/service-kit/src/messaging/nats-permissions.ts renders; paste deployedAuthorization() from tools/local-stack/src/nats-authorization.ts`,
    );
  }
  for (const user of NATS_USERS) {
    const ref = secretRef(container?.env, passwordVariable(user));
    if (ref?.name !== NATS_CREDENTIALS_SECRET || ref.key !== secretKeyOf(user)) {
      problems.push(
        `${describe(nats)} container nats: ${passwordVariable(user)} must come from Secret ${NATS_CREDENTIALS_SECRET} key ${secretKeyOf(user)} (nats.conf reads it)`,
      );
    }
  }
  const { found } = serviceDeployments(objects, serviceSpecs);
  for (const service of found) {
    const user = service.spec.name as NatsUser;
    if (!NATS_USERS.includes(user)) continue;
    const declared = service.declaredValues["NATS_USER"];
    if (declared === undefined) continue; // env-contract.ts reports it missing
    if (declared !== user)
      problems.push(`${service.where}: NATS_USER is "${declared}", but the ${user} service's permissions are user ${user}'s`);
    const ref = secretRef(service.container.env, "NATS_PASSWORD");
    if (ref?.name !== NATS_CREDENTIALS_SECRET || ref.key !== secretKeyOf(user)) {
      problems.push(
        `${service.where}: NATS_PASSWORD must come from Secret ${NATS_CREDENTIALS_SECRET} key ${secretKeyOf(user)}, the one nats-server checks ${user} against`,
      );
    }
  }
  return problems;
}

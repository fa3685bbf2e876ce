import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { describe, findObject, type K8sObject } from "./k8s-objects.js";
import type { IStatefulSet } from "kubernetes-models/apps/v1";
import type { IConfigMap } from "kubernetes-models/v1";
import type { IJob } from "kubernetes-models/batch/v1";

// Counts that live in two places and must move together: the NATS routes and the NATS
// StatefulSet, the MongoDB members the init Job initiates and the MongoDB StatefulSet, and a
// Deployment's replicas and the HPA that owns them.

export function checkReplicaAgreement(objects: readonly K8sObject[]): string[] {
  return [...checkNatsRoutes(objects), ...checkMongoMembers(objects), ...checkAutoscaledReplicas(objects)];
}

function statefulSet(objects: readonly K8sObject[], name: string): IStatefulSet | undefined {
  return objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === name) as IStatefulSet | undefined;
}

function checkNatsRoutes(objects: readonly K8sObject[]): string[] {
  const nats = statefulSet(objects, "nats");
  if (!nats) return ["no StatefulSet named nats"];
  const replicas = nats.spec?.replicas ?? 1;
  const volume = nats.spec?.template.spec?.volumes?.find((v) => v.name === "config");
  const config = findObject<IConfigMap>(objects, "ConfigMap", volume?.configMap?.name ?? "", nats.metadata?.namespace);
  const text = config?.data?.["nats.conf"];
  if (text === undefined) return [`${describe(nats)}: its config volume names no rendered ConfigMap with nats.conf`];
  const routes = new Set(text.match(/nats-\d+\.nats-headless/g) ?? []);
  const expected = replicas === 1 ? 0 : replicas;
  return routes.size === expected
    ? []
    : [`${describe(nats)} has ${replicas} replica(s) but nats.conf routes to ${routes.size} server(s); a cluster routes to every replica, a single server to none`];
}

function checkMongoMembers(objects: readonly K8sObject[]): string[] {
  const mongodb = statefulSet(objects, "mongodb");
  const job = objects.find((o) => o.kind === "Job" && o.metadata.name === "mongodb-init") as IJob | undefined;
  if (!mongodb || !job) return ["the mongodb StatefulSet and the mongodb-init Job must both be rendered"];
  const members = job.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === "MONGODB_MEMBERS")?.value;
  const replicas = mongodb.spec?.replicas ?? 1;
  return Number(members) === replicas
    ? []
    : [`${describe(job)} initiates ${members} member(s) but ${describe(mongodb)} has ${replicas} replica(s)`];
}

function checkAutoscaledReplicas(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler") as unknown as IHorizontalPodAutoscaler[]) {
    const ref = hpa.spec?.scaleTargetRef;
    const target = objects.find(
      (o) => o.kind === ref?.kind && o.metadata.name === ref?.name && o.metadata.namespace === hpa.metadata?.namespace,
    );
    if (!target) {
      problems.push(`${describe(hpa)} scales ${ref?.kind} ${ref?.name}, which is not rendered`);
    } else if ((target as { spec?: { replicas?: number } }).spec?.replicas !== undefined) {
      problems.push(`${describe(target)} sets replicas although ${describe(hpa)} owns them: every apply would reset the count`);
    }
  }
  return problems;
}

import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { describe, findObject, type K8sObject } from "./k8s-objects.js";
import type { IStatefulSet } from "kubernetes-models/apps/v1";
import type { IConfigMap } from "kubernetes-models/v1";
import type { IJob } from "kubernetes-models/batch/v1";
import { serviceSpecs, type ServiceSpec } from "./service-configs.js";
import { serviceDeployments } from "./service-deployments.js";

// Counts that live in two places and must move together: the NATS routes and the NATS
// StatefulSet, the JetStream stream replicas and the NATS servers, the MongoDB members the
// init Job initiates and the MongoDB StatefulSet, a Deployment's replicas and the HPA that owns
// them; and the metrics an HPA scales on and the ones the service's code exports.

export function checkReplicaAgreement(objects: readonly K8sObject[], specs: readonly ServiceSpec[] = serviceSpecs): string[] {
  return [
    ...checkNatsRoutes(objects),
    ...checkStreamReplicas(objects, specs),
    ...checkMongoMembers(objects),
    ...checkAutoscaledReplicas(objects),
    ...checkAutoscalerMetrics(objects, specs),
  ];
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
    : [
        `${describe(nats)} has ${replicas} replica(s) but nats.conf routes to ${routes.size} server(s); a cluster routes to every replica, a single server to none`,
      ];
}

/**
 * The services create the streams with JETSTREAM_REPLICAS copies: every one of them must be
 * given the same count (or each start would rescale the streams to its own), and JetStream
 * cannot place more copies than there are NATS servers (the service would stop at start).
 */
function checkStreamReplicas(objects: readonly K8sObject[], specs: readonly ServiceSpec[]): string[] {
  const nats = statefulSet(objects, "nats");
  if (!nats) return []; // checkNatsRoutes reports it
  const servers = nats.spec?.replicas ?? 1;
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const service of serviceDeployments(objects, specs).found) {
    let replicas: number | undefined;
    try {
      replicas = service.spec.readConfig(service.values).jetstreamReplicas;
    } catch {
      continue; // env-contract.ts reports a configuration the service refuses
    }
    if (replicas === undefined) continue; // a service that creates no streams
    counts.set(service.spec.name, replicas);
    if (replicas > servers) {
      problems.push(
        `${service.where} creates streams with ${replicas} replica(s) (JETSTREAM_REPLICAS) but ${describe(nats)} runs ${servers} server(s): JetStream cannot place them and the service stops at start`,
      );
    }
  }
  if (new Set(counts.values()).size > 1) {
    problems.push(
      `the services create the same streams with different JETSTREAM_REPLICAS (${[...counts].map(([name, n]) => `${name} ${n}`).join(", ")}): each start would rescale them to its own count`,
    );
  }
  return problems;
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

/** A Pods metric an HPA scales on must be one the target service's own code exports. */
function checkAutoscalerMetrics(objects: readonly K8sObject[], specs: readonly ServiceSpec[]): string[] {
  const problems: string[] = [];
  for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler") as unknown as IHorizontalPodAutoscaler[]) {
    for (const metric of hpa.spec?.metrics ?? []) {
      if (metric.type !== "Pods" || !metric.pods) continue;
      const name = metric.pods.metric.name;
      const spec = specs.find((s) => s.name === hpa.spec?.scaleTargetRef.name);
      const exported = spec?.exportedMetrics?.();
      if (!spec || !exported) {
        problems.push(
          `${describe(hpa)} scales on the Pods metric ${name}, but these checks know no metrics of ${hpa.spec?.scaleTargetRef.name}: add exportedMetrics to its ServiceSpec`,
        );
      } else if (!exported.includes(name)) {
        problems.push(
          `${describe(hpa)} scales on the Pods metric ${name}, which the ${spec.name} service does not export (it exports ${exported.join(", ")}): the HPA would never see it`,
        );
      }
    }
  }
  return problems;
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IConfigMap } from "kubernetes-models/v1";
import { describe as describeObject, type K8sObject } from "./k8s-objects.js";
import { repoRoot } from "./repo-paths.js";

// The cluster's Jaeger is the one the e2e tests read traces from: the same configuration file
// and the release of the Go module they build. Jaeger publishes each release twice, as module
// v1.N and as v2.M; the table pairs them, so bumping go.mod without the image fails here.
const RELEASES: Record<string, string> = { "v1.75.0": "2.12.0" };
const CONFIG_PATH = "/etc/jaeger";

export function testedJaegerModuleVersion(): string {
  const goMod = readFileSync(join(repoRoot, "tools/jaeger/go.mod"), "utf8");
  const version = /github\.com\/jaegertracing\/jaeger (v[\d.]+)/.exec(goMod)?.[1];
  if (!version) throw new Error("tools/jaeger/go.mod requires no github.com/jaegertracing/jaeger");
  return version;
}

export function checkJaegerAgreement(objects: readonly K8sObject[]): string[] {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "jaeger") as (K8sObject & IDeployment) | undefined;
  if (!deployment) return ["no Deployment jaeger"];
  const where = describeObject(deployment);
  const problems: string[] = [];
  const pod = deployment.spec?.template.spec;
  const container = pod?.containers.find((c) => c.name === "jaeger");
  if (!pod || !container) return [`${where} has no container jaeger`];

  const module = testedJaegerModuleVersion();
  const release = RELEASES[module];
  const image = container.image ?? "";
  if (!release) problems.push(`tools/jaeger/go.mod builds ${module}, which the deploy checks cannot pair with an image release`);
  else if (image !== `jaegertracing/jaeger:${release}`) {
    problems.push(`${where} runs ${image}, the tests build ${module} (jaegertracing/jaeger:${release})`);
  }
  if ((container.args ?? []).join(" ") !== `--config file:${CONFIG_PATH}/jaeger.yaml`) {
    problems.push(`${where} must run --config file:${CONFIG_PATH}/jaeger.yaml, got "${(container.args ?? []).join(" ")}"`);
  }
  const mount = container.volumeMounts?.find((m) => m.mountPath === CONFIG_PATH);
  const volume = pod.volumes?.find((v) => v.name === mount?.name);
  const mapName = volume?.configMap?.name;
  const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === mapName) as (K8sObject & IConfigMap) | undefined;
  if (!configMap) return [...problems, `${where} mounts no ConfigMap at ${CONFIG_PATH}`];
  const tested = readFileSync(join(repoRoot, "tools/jaeger/jaeger.yaml"), "utf8");
  if (configMap.data?.["jaeger.yaml"] !== tested) {
    problems.push(`${describeObject(configMap)} jaeger.yaml differs from tools/jaeger/jaeger.yaml, the configuration the tests run`);
  }
  return problems;
}

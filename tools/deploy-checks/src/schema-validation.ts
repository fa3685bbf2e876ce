import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { Issuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { describe, type K8sObject } from "./k8s-objects.js";

// Offline validation against the Kubernetes API's OpenAPI schemas, as packaged by
// kubernetes-models 4.5.1 (generated from Kubernetes 1.33): required fields, types, enums
// and formats, at the exact apiVersion each manifest names. cert-manager's kinds are custom
// resources, in no Kubernetes schema: they are validated against cert-manager's own CRD
// schemas as packaged by @kubernetes-models/cert-manager 4.4.4 (generated from cert-manager
// v1.11.2's CRDs; the prod overlay uses no field added after it), the same way, unknown
// fields included.

type ModelClass = new (data: never) => { validate(): void };

/**
 * Every kind deploy/k8s may use, at the API version it must use. Anything else fails the
 * check: a new kind is added here on purpose, never skipped.
 */
export const knownKinds = new Map<string, ModelClass>([
  ["v1/ConfigMap", ConfigMap],
  ["v1/Namespace", Namespace],
  ["v1/Secret", Secret],
  ["v1/Service", Service],
  ["apps/v1/Deployment", Deployment],
  ["apps/v1/StatefulSet", StatefulSet],
  ["batch/v1/Job", Job],
  ["autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler],
  ["policy/v1/PodDisruptionBudget", PodDisruptionBudget],
  ["networking.k8s.io/v1/NetworkPolicy", NetworkPolicy],
  ["cert-manager.io/v1/Certificate", Certificate],
  ["cert-manager.io/v1/Issuer", Issuer],
] as Array<[string, ModelClass]>);

interface SchemaError {
  instancePath: string;
  message?: string;
}

function schemaErrors(model: ModelClass, data: unknown): SchemaError[] {
  try {
    new model(data as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!errors) throw error;
    return errors;
  }
}

export function validateObjects(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    const model = knownKinds.get(key);
    if (!model) {
      problems.push(
        `${describe(object)}: ${key} is not a kind these checks can validate; add its kubernetes-models class to schema-validation.ts`,
      );
      continue;
    }
    for (const error of schemaErrors(model, object)) {
      problems.push(`${describe(object)}: ${error.instancePath || "/"} ${error.message ?? "is invalid"}`);
    }
    for (const path of unknownFields(model, object)) {
      problems.push(
        `${describe(object)}: ${path} is not a field of ${key} (a typo? the API server rejects it under strict field validation)`,
      );
    }
  }
  return problems;
}

// ---- unknown fields --------------------------------------------------------------------------
// The OpenAPI schemas do not forbid extra properties, so a misspelt field (readinesProbe)
// validates and the API server rejects or drops it later. The compiled validators still say
// which fields they know: a value of no JSON type at a known field is a type error there, at an
// unknown field nothing. Probing one depth at a time finds every unknown field.

const PROBE = Symbol("unknown-field probe");
type Path = Array<string | number>;

function pointer(path: Path): string {
  return path.map((key) => `/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

function childPaths(value: unknown, path: Path): Path[] {
  if (Array.isArray(value)) return value.map((_, i) => [...path, i]);
  if (value !== null && typeof value === "object") return Object.keys(value).map((key) => [...path, key]);
  return [];
}

function setAt(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node;
}

export function unknownFields(model: ModelClass, object: unknown): string[] {
  const unknown: string[] = [];
  // Below a value that is already invalid (a map where a string belongs) there is nothing to add.
  const invalid = new Set(schemaErrors(model, object).map((error) => error.instancePath));
  // apiVersion and kind are the model's own; probing them would only test the model lookup.
  let frontier = childPaths(object, []).filter(([key]) => key !== "apiVersion" && key !== "kind");
  while (frontier.length > 0) {
    const probe = structuredClone(object);
    for (const path of frontier) setAt(probe, path, PROBE);
    const flagged = new Set(schemaErrors(model, probe).map((error) => error.instancePath));
    const next: Path[] = [];
    for (const path of frontier) {
      if (!flagged.has(pointer(path))) unknown.push(pointer(path));
      else if (!invalid.has(pointer(path))) next.push(...childPaths(getAt(object, path), path));
    }
    frontier = next;
  }
  return unknown;
}

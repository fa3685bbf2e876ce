#!/usr/bin/env bash
# Creates the two Secrets the manifests refer to but never contain, with fresh random
# passwords, in the given namespace:
#   mongodb-credentials  root-username, root-password, app-username, app-password, keyfile
#   service-secrets      MONGODB_URL (the services' user, every member), SMTP_URL if given
# Usage: SMTP_URL=smtp://user:pass@mail.example.com:587 deploy/k8s/create-secrets.sh invoicing 3
#        deploy/k8s/create-secrets.sh invoicing-dev 1
# The member count must match the mongodb StatefulSet (3 in prod, 1 in dev). An existing
# Secret is left alone: MongoDB keeps the root password it was first started with.
set -euo pipefail

namespace=${1:?usage: create-secrets.sh <namespace> <mongodb-members>}
members=${2:?usage: create-secrets.sh <namespace> <mongodb-members>}
database=${MONGODB_DATABASE:-invoicing}

kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace"

exists() { kubectl -n "$namespace" get secret "$1" >/dev/null 2>&1; }
# Hex: no character needs escaping in a URL.
random() { openssl rand -hex 24; }

if exists mongodb-credentials; then
  echo "mongodb-credentials exists in $namespace: kept"
else
  kubectl -n "$namespace" create secret generic mongodb-credentials \
    --from-literal=root-username=root \
    --from-literal=root-password="$(random)" \
    --from-literal=app-username=invoicing \
    --from-literal=app-password="$(random)" \
    --from-literal=keyfile="$(openssl rand -base64 756 | tr -d '\n')"
fi

if exists service-secrets; then
  echo "service-secrets exists in $namespace: kept"
else
  get() { kubectl -n "$namespace" get secret mongodb-credentials -o "jsonpath={.data.$1}" | base64 -d; }
  hosts=""
  for ((i = 0; i < members; i++)); do
    hosts+="${hosts:+,}mongodb-$i.mongodb.$namespace.svc.cluster.local:27017"
  done
  url="mongodb://$(get app-username):$(get app-password)@$hosts/$database?replicaSet=rs0&authSource=$database"
  args=(--from-literal=MONGODB_URL="$url")
  if [ -n "${SMTP_URL:-}" ]; then args+=(--from-literal=SMTP_URL="$SMTP_URL"); fi
  kubectl -n "$namespace" create secret generic service-secrets "${args[@]}"
fi

#!/usr/bin/env bash
# Creates the Secrets the manifests refer to but never contain, with fresh random passwords
# and keys, in the given namespace:
#   mongodb-credentials  root-username, root-password, app-username, app-password, keyfile
#   service-secrets      MONGODB_URL (the services' user, every member), SMTP_URL if given
#   nats-credentials     order-password, invoice-password, notifier-password, invoicectl-password
#                        (nats-server and each service read the same key)
#   event-signing-keys   order-events.key.pem, invoice-events.key.pem, notifier-events.key.pem:
#                        Ed25519, each mounted only into the service that signs with it
#   event-public-keys    the three .pub.pem halves: what consumers verify with
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

if exists nats-credentials; then
  echo "nats-credentials exists in $namespace: kept"
else
  kubectl -n "$namespace" create secret generic nats-credentials \
    --from-literal=order-password="$(random)" \
    --from-literal=invoice-password="$(random)" \
    --from-literal=notifier-password="$(random)" \
    --from-literal=invoicectl-password="$(random)"
fi

# Both key Secrets from one pair of keys: created together or not at all. To rotate a key,
# add the new public key to the consumers' *_EVENT_KEY_FILES beside the old one first, then
# switch the producer's private key, then drop the old public key.
if exists event-signing-keys; then
  echo "event-signing-keys exists in $namespace: kept (and event-public-keys with it)"
else
  keys=$(mktemp -d)
  trap 'rm -rf "$keys"' EXIT
  for producer in order invoice notifier; do
    openssl genpkey -algorithm ed25519 -out "$keys/$producer-events.key.pem"
    openssl pkey -in "$keys/$producer-events.key.pem" -pubout -out "$keys/$producer-events.pub.pem"
  done
  kubectl -n "$namespace" delete secret event-public-keys --ignore-not-found
  kubectl -n "$namespace" create secret generic event-public-keys \
    --from-file="$keys/order-events.pub.pem" --from-file="$keys/invoice-events.pub.pem" \
    --from-file="$keys/notifier-events.pub.pem"
  kubectl -n "$namespace" create secret generic event-signing-keys \
    --from-file="$keys/order-events.key.pem" --from-file="$keys/invoice-events.key.pem" \
    --from-file="$keys/notifier-events.key.pem"
fi

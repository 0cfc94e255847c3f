#!/bin/sh
# Creates uprflow's Temporal namespace once the server answers. Run by the one-shot
# `temporal-namespace` service of docker-compose.yml (temporalio/admin-tools image).
#
# Idempotent: an existing namespace is left as it is (its retention included; change that
# with `temporal operator namespace update --retention ...`).
#
# Environment: TEMPORAL_ADDRESS (host:port of the frontend), NAMESPACE, RETENTION (how long a
# closed workflow's history is kept, a duration such as 720h).
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${NAMESPACE:=default}"
: "${RETENTION:=720h}"
export TEMPORAL_ADDRESS

# The frontend's port opens before every service of the cluster is up; wait for all of them.
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 120 ]; then
        echo "Temporal at $TEMPORAL_ADDRESS did not become healthy" >&2
        exit 1
    fi
    sleep 1
done

tries=0
until temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; do
    # Creation can fail while the cluster is still settling; describe decides.
    if temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"; then
        echo "namespace $NAMESPACE created (retention $RETENTION)"
    fi
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
        echo "namespace $NAMESPACE could not be created on $TEMPORAL_ADDRESS" >&2
        exit 1
    fi
    sleep 1
done
echo "namespace $NAMESPACE is registered"

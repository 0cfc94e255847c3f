#!/bin/sh
# Registers the custom search attributes uprflow's workflows upsert (uprflow/temporal.py,
# SEARCH_ATTRIBUTES). Idempotent: attributes already known to the namespace are left alone.
# The worker also registers any missing ones itself at startup; this one-shot job only makes
# the cluster ready before the worker and the API start.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${NAMESPACE:=default}"
export TEMPORAL_ADDRESS

ATTRIBUTES="Country=Keyword Cycle=Int Stage=Keyword Assignee=Keyword DueAt=Datetime"

# The temporal-namespace job creates the namespace first; wait for it in case this script
# runs on its own.
tries=0
until temporal operator namespace describe "$NAMESPACE" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 120 ]; then
        echo "namespace $NAMESPACE did not appear on $TEMPORAL_ADDRESS" >&2
        exit 1
    fi
    sleep 1
done

known() {
    temporal operator search-attribute list --namespace "$NAMESPACE" | grep -qw "$1"
}

for pair in $ATTRIBUTES; do
    name=${pair%%=*}
    type=${pair#*=}
    if known "$name"; then
        echo "search attribute $name already registered"
    else
        echo "registering search attribute $name ($type)"
        # A concurrent registration (the worker) may win the race; the check below decides.
        temporal operator search-attribute create --namespace "$NAMESPACE" \
            --name "$name" --type "$type" || true
    fi
done

status=0
for pair in $ATTRIBUTES; do
    name=${pair%%=*}
    if ! known "$name"; then
        echo "search attribute $name is still missing" >&2
        status=1
    fi
done
exit "$status"

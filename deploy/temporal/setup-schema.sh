#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas up to the version that
# ships in this admin-tools image. Run by the one-shot `temporal-schema` service of
# docker-compose.yml before the Temporal server starts, on every `docker compose up`.
#
# Idempotent, so it is also the upgrade step: `create` leaves an existing database alone,
# `setup-schema -v 0.0` only adds the version tables when they are missing, and
# `update-schema` applies the versioned migrations not applied yet. Upgrading Temporal means
# bumping temporalio/admin-tools and temporalio/server together (one minor version at a time);
# this job then migrates the schema before the new server starts.
#
# Environment (set by docker-compose.yml): POSTGRES_SEEDS, DB_PORT, POSTGRES_USER,
# SQL_PASSWORD (read by temporal-sql-tool itself, so it never appears in a process listing),
# DBNAME, VISIBILITY_DBNAME.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the PostgreSQL host}"
: "${POSTGRES_USER:?POSTGRES_USER must name the PostgreSQL user}"
: "${SQL_PASSWORD:?SQL_PASSWORD must hold the password of POSTGRES_USER}"
: "${DB_PORT:=5432}"
: "${DBNAME:=temporal}"
: "${VISIBILITY_DBNAME:=temporal_visibility}"

SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

sql_tool() {
    temporal-sql-tool --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "$DB_PORT" \
        --user "$POSTGRES_USER" "$@"
}

# depends_on already waits for a healthy PostgreSQL; this covers a restart in between.
tries=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
        echo "PostgreSQL at $POSTGRES_SEEDS:$DB_PORT did not answer" >&2
        exit 1
    fi
    sleep 1
done

echo "Temporal schema: database $DBNAME"
sql_tool --database "$DBNAME" create
sql_tool --database "$DBNAME" setup-schema -v 0.0
sql_tool --database "$DBNAME" update-schema -d "$SCHEMA_DIR/temporal/versioned"

echo "Temporal schema: database $VISIBILITY_DBNAME"
sql_tool --database "$VISIBILITY_DBNAME" create
sql_tool --database "$VISIBILITY_DBNAME" setup-schema -v 0.0
sql_tool --database "$VISIBILITY_DBNAME" update-schema -d "$SCHEMA_DIR/visibility/versioned"

echo "Temporal schema: up to date"

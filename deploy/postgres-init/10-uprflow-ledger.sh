#!/bin/bash
# Creates the uprflow ledger's role and database next to Temporal's databases.
#
# The postgres image runs this once, when the data volume is first initialised (it is mounted
# into /docker-entrypoint-initdb.d by docker-compose.yml). It runs as the server's superuser
# ($POSTGRES_USER, which the temporal-schema job also uses to create `temporal` and
# `temporal_visibility`). The `uprflow` role owns only its own database and is no superuser.
# Changing UPRFLOW_DB_PASSWORD later needs an ALTER ROLE by hand.
set -euo pipefail

: "${UPRFLOW_DB_PASSWORD:?UPRFLOW_DB_PASSWORD must be set for the postgresql service}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
    -v uprflow_password="$UPRFLOW_DB_PASSWORD" <<'SQL'
CREATE ROLE uprflow LOGIN PASSWORD :'uprflow_password';
CREATE DATABASE uprflow OWNER uprflow;
REVOKE ALL ON DATABASE uprflow FROM PUBLIC;
SQL

#!/bin/bash
# One database and one login role per PostgreSQL service, each reachable by its own role only
# (as docker/postgres/init-databases.sh does for compose). Safe to repeat: what exists is kept,
# and each role's password is set again from the infrastructure-secrets Secret.
set -euo pipefail
export PGHOST=postgres PGUSER=postgres PGDATABASE=postgres PGPASSWORD="$POSTGRES_PASSWORD"
export PGCONNECT_TIMEOUT=5

deadline=$((SECONDS + 300))
until psql -qAtc 'SELECT 1' >/dev/null 2>&1; do
  if ((SECONDS > deadline)); then
    echo "postgres did not accept a login within 300 s" >&2
    exit 1
  fi
  sleep 2
done

setup() {
  local name=$1 password=$2
  psql -v ON_ERROR_STOP=1 -qAt -v name="$name" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'name')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name')\gexec
ALTER ROLE :"name" WITH LOGIN PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')\gexec
REVOKE CONNECT ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"name" TO :"name";
SQL
  echo "database and role $name ready"
}

setup auth "$AUTH_DB_PASSWORD"
setup webtoon "$WEBTOON_DB_PASSWORD"
setup payment "$PAYMENT_DB_PASSWORD"

#!/bin/bash
# One database and one login role per PostgreSQL service; each role can reach only its own
# database (CONNECT revoked from PUBLIC). Runs once, when the data volume is first created.
set -euo pipefail

create() {
  local name=$1 password=$2
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE CONNECT ON DATABASE :"name" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"name" TO :"name";
SQL
}

create auth "$AUTH_DB_PASSWORD"
create webtoon "$WEBTOON_DB_PASSWORD"
create payment "$PAYMENT_DB_PASSWORD"

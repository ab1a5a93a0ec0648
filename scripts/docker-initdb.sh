#!/bin/sh
# The register's database roles in docker compose (docs/database-roles.md): the postgres image runs this
# from /docker-entrypoint-initdb.d when it first starts on an empty volume, as POSTGRES_USER. On a volume
# made before the roles, run it once by hand, then `docker compose up -d` (migrate runs as the owner):
#   docker compose exec db sh /docker-entrypoint-initdb.d/10-register-roles.sh
set -eu
psql -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_role="${DATABASE_OWNER_ROLE:-register_owner}" -v owner_password="$DATABASE_OWNER_PASSWORD" \
  -v app_role="${DATABASE_APP_ROLE:-register_app}" -v app_password="$DATABASE_APP_PASSWORD" \
  -v maintenance_role="${DATABASE_MAINTENANCE_ROLE:-register_maintenance}" \
  -f /register/database-roles.sql

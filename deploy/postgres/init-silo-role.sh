#!/usr/bin/env bash
# Compose's PostgreSQL runs this once, on its first start (docker-entrypoint-initdb.d), as the superuser: it makes the
# silos' least-privilege role and gives it the chat database (silo-role.sql, the same script ./run uses).
# No `set -e` here: the image's entrypoint may source this file, and psql's ON_ERROR_STOP fails the init already.
SILO_PASSWORD="$POSTGRES_SILO_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v database="$POSTGRES_DB" -v silo_role=whatsapp_silo -f /whatsapp/silo-role.sql
